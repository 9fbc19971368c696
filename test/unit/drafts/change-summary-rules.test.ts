import { summarizeChange } from '../../../src/drafts/change-summary-rules';

describe('change summary', () => {
  test('when a word changes, then the summary shows it with context', () => {
    expect(summarizeChange('今年投入资金500万元用于防汛', '今年投入资金800万元用于防汛')).toBe(
      '修改：今年投入资金【500】→【800】',
    );
    expect(summarizeChange('防汛', '防汛抗旱')).toBe('新增：防汛【抗旱】');
  });

  test.each([
    ['这是第一版的正文内容', '这是第二版的正文内容', '修改：这是【第一】→【第二】'],
    ['请各乡镇做好防汛准备', '请各乡镇做好抗旱准备', '修改：请各乡镇做好【防汛】→【抗旱】'],
    ['联系人：张三', '联系人：李四', '修改：联系人：【张三】→【李四】'],
    ['会议定于周一召开。', '会议定于周一召开。请准时参加。', '新增：会议定于周一召开。【请准时参加。】'],
    ['严禁在林区吸烟和野外用火', '严禁在林区野外用火', '删除：严禁在林区【吸烟和】'],
  ])('when %p becomes %p, then the summary cuts at word boundaries: %p', (before, after, summary) => {
    expect(summarizeChange(before, after)).toBe(summary);
  });

  test('when the change is long, then it is cut after a whole word and the context starts at one', () => {
    const before = `${'森林防火工作'.repeat(5)}。原来的段落`;
    const after = `${'森林防火工作'.repeat(5)}。${'新的内容要求'.repeat(30)}`;
    const summary = summarizeChange(before, after);
    expect(summary).toMatch(/^修改：…(防火|工作)/);
    const added = /→【(.*)…】$/.exec(summary)?.[1] ?? '';
    expect(added.length).toBeLessThanOrEqual(120);
    expect(added.endsWith('要求') || added.endsWith('新的') || added.endsWith('内容')).toBe(true);
  });
});
