import {
  checkAccountInquirySettings,
  checkUnitInquirySettings,
  resolveInquiryPolicy,
} from '../../../src/inquiries/inquiry-setting-rules';
import { defaultInquiryPolicy } from '../../../src/inquiries/inquiry-rules';

describe('inquiry settings per unit and account', () => {
  test('the nearest unit that sets a deadline decides it, field by field, and the account only its acknowledgement', () => {
    const policy = resolveInquiryPolicy(
      defaultInquiryPolicy,
      [
        { acknowledgeWorkingHours: 3, answerWorkingDays: { complaint: 10 } },
        { answerWorkingDays: { consultation: 3 } },
      ],
      { autoAcknowledge: false, acknowledgementTemplate: '' },
    );
    expect(policy).toMatchObject({
      acknowledgeWorkingHours: 3,
      answerWorkingDays: { consultation: 3, suggestion: 5, complaint: 10, other: 5 },
      maxWorkingDays: 15,
      autoAcknowledge: false,
      // An empty wording keeps the default.
      acknowledgementTemplate: defaultInquiryPolicy.acknowledgementTemplate,
    });
    expect(defaultInquiryPolicy.answerWorkingDays.complaint).toBe(7);
  });

  test('deadlines longer than the longest, or not whole days, and a wording without the date are refused', () => {
    expect(checkUnitInquirySettings({ answerWorkingDays: { other: 20 } }, defaultInquiryPolicy)).toContain(
      '15 个工作日',
    );
    expect(checkUnitInquirySettings({ maxWorkingDays: 6 }, defaultInquiryPolicy)).toContain('6 个工作日');
    expect(checkUnitInquirySettings({ answerWorkingDays: { other: 2.5 } }, defaultInquiryPolicy)).toContain('整数');
    expect(checkUnitInquirySettings({ acknowledgeWorkingHours: 3 }, defaultInquiryPolicy)).toBeNull();
    expect(checkAccountInquirySettings({ acknowledgementTemplate: '收到' })).toContain('{date}');
    expect(checkAccountInquirySettings({ acknowledgementTemplate: '收到，{date}前答复' })).toBeNull();
  });
});
