import { actionWord } from '../../../src/drafts/draft-action-words';

describe('the timeline words of publishing', () => {
  test("when the platform's result or the sweep is on a draft's trail, then it reads in Chinese", () => {
    expect(actionWord('publication.submitted')).toBe('提交公众号发布');
    expect(actionWord('publication.finished', { publishStatus: 0 })).toBe('平台已发布');
    expect(actionWord('publication.finished', { publishStatus: 4 })).toBe('平台发布未成功');
    expect(actionWord('publication.verified')).toBe('发布核验一致');
    expect(actionWord('publication.mismatch')).toBe('发布核验不一致');
    expect(actionWord('publication.deleted')).toBe('文章在平台被删除');
    expect(actionWord('publication.replaced')).toBe('文章在平台被改动');
    expect(actionWord('draft.unknown-thing')).toBe('draft.unknown-thing');
  });
});
