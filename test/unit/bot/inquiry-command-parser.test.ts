import { parseChatCommand } from '../../../bot/command-parser';
import { resolvePromiseDate } from '../../../bot/inquiry-command-parser';

describe('inquiry commands in chat', () => {
  test('答复, 已答复, 延期, 转办, 类型 and 无效 take the code and what follows', () => {
    expect(parseChatCommand('答复 q7k2 周一起开放')).toEqual({
      kind: 'inquiry-answer',
      code: 'Q7K2',
      text: '周一起开放',
    });
    expect(parseChatCommand('已答复 #Q7K2')).toEqual({ kind: 'inquiry-confirm', code: 'Q7K2', note: '' });
    expect(parseChatCommand('延期 Q7K2 12月20日 需会同住建部门核实')).toEqual({
      kind: 'inquiry-extend',
      code: 'Q7K2',
      dueOn: '--12-20',
      reason: '需会同住建部门核实',
    });
    expect(parseChatCommand('延期 Q7K2 2026-12-20：需核实')).toMatchObject({ dueOn: '2026-12-20', reason: '需核实' });
    expect(parseChatCommand('转办 Q7K2 县住建局')).toEqual({
      kind: 'inquiry-transfer',
      code: 'Q7K2',
      unitName: '县住建局',
    });
    expect(parseChatCommand('类型 Q7K2 投诉')).toEqual({
      kind: 'inquiry-kind',
      code: 'Q7K2',
      inquiryKind: 'complaint',
    });
    expect(parseChatCommand('无效 Q7K2 重复')).toEqual({ kind: 'inquiry-invalid', code: 'Q7K2', reason: 'duplicate' });
    expect(parseChatCommand('留言')).toEqual({ kind: 'inquiry-list' });
    expect(parseChatCommand('登记留言 应急发布\n山体滑坡隐患点有没有人巡查？')).toEqual({
      kind: 'inquiry-register',
      accountName: '应急发布',
      text: '山体滑坡隐患点有没有人巡查？',
    });
  });

  test('when a command lacks its parts, then the reply shows the format', () => {
    expect(parseChatCommand('延期 Q7K2 12月20日')).toMatchObject({
      kind: 'malformed',
      message: expect.stringContaining('理由'),
    });
    expect(parseChatCommand('答复 Q7K2')).toMatchObject({ kind: 'malformed' });
    expect(parseChatCommand('登记留言 应急发布')).toMatchObject({ kind: 'malformed' });
    // Ordinary talk that starts with the words is not a command.
    expect(parseChatCommand('留言板的事明天再说').kind).not.toMatch(/^inquiry/);
    expect(parseChatCommand('答复如下：同意').kind).not.toMatch(/^inquiry/);
  });

  test('a date without a year is the next such date', () => {
    expect(resolvePromiseDate('--12-20', '2026-12-07')).toBe('2026-12-20');
    expect(resolvePromiseDate('--01-05', '2026-12-07')).toBe('2027-01-05');
    expect(resolvePromiseDate('2026-12-20', '2026-12-07')).toBe('2026-12-20');
  });
});

describe('an approver’s decision on an answer', () => {
  test('同意答复 and 驳回答复 decide the answer, not a draft; a rejection needs its reason', () => {
    expect(parseChatCommand('同意答复 Q7K2')).toEqual({
      kind: 'inquiry-answer-decision',
      code: 'Q7K2',
      approve: true,
      reason: '',
    });
    expect(parseChatCommand('驳回答复 Q7K2 时间未定')).toEqual({
      kind: 'inquiry-answer-decision',
      code: 'Q7K2',
      approve: false,
      reason: '时间未定',
    });
    expect(parseChatCommand('驳回答复 Q7K2')).toMatchObject({
      kind: 'malformed',
      message: expect.stringContaining('理由'),
    });
  });
});
