import { describeBlockingFindings } from '../../../src/drafts/draft-content-rules';
import type { ContentFinding } from '../../../src/drafts/draft-model';

const finding = (severity: ContentFinding['severity'], excerpt: string, suggestion: string): ContentFinding => ({
  rule: 'rule',
  category: '公众号发布限制',
  severity,
  field: 'title',
  start: 0,
  end: excerpt.length,
  excerpt,
  suggestion,
});

describe('what stops a version before review', () => {
  test('when findings block, then each is named with its excerpt and how to fix it, and warnings are left out', () => {
    const described = describeBlockingFindings([
      finding('block', '很长的标题', '公众号标题最多32个字，现为33字，请缩短标题后再提交'),
      finding('warn', '海报', '请随稿发送图片'),
      finding('block', '另一处', ''),
    ]);
    expect(described).toBe(
      '公众号发布限制「很长的标题」，公众号标题最多32个字，现为33字，请缩短标题后再提交；公众号发布限制「另一处」',
    );
  });

  test('when nothing blocks, then nothing stops the version', () => {
    expect(describeBlockingFindings([finding('warn', '海报', '请随稿发送图片')])).toBeNull();
  });
});
