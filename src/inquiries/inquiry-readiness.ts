/**
 * The inquiries as the inspection readiness report reads them (R8 in 考核自查): each account's inquiries
 * received in a period, as they stood at a date — answered or marked invalid only if they were by then,
 * with the promised date then in force and the longest date any extension could promise.
 */
import { Types } from 'mongoose';
import { latestPromiseOn } from './inquiry-rules';
import type { InquiryClock, InquiryStatus } from './inquiry-rules';
import { InquiryModel } from './inquiry-model';
import type { Inquiry } from './inquiry-model';
import { unitAndAccountKey } from './inquiry-setting-rules';
import type { InquiryContext } from './inquiry-context';

export interface InquiryAtDate {
  id: string;
  code: string;
  accountId: string;
  status: InquiryStatus;
  receivedAt: Date;
  answeredAt: Date | null;
  answerDueOn: string;
  latestDueOn: string;
}

const fields = {
  code: 1,
  accountId: 1,
  unitId: 1,
  status: 1,
  receivedAt: 1,
  answeredAt: 1,
  answerDueOn: 1,
  originalDueOn: 1,
  extensions: 1,
  timeline: 1,
};

/** The accounts' inquiries received in (from, at], as they stood at `at`. */
export async function inquiriesAtDate(
  context: InquiryContext,
  accounts: { id: string; unitId: string }[],
  from: Date,
  at: Date,
): Promise<InquiryAtDate[]> {
  const found = await InquiryModel.find(
    {
      accountId: { $in: accounts.map((account) => new Types.ObjectId(account.id)) },
      receivedAt: { $gt: from, $lte: at },
    },
    fields,
  )
    .batchSize(10_000)
    .lean<Inquiry[]>();
  const unitIds = [...new Set(found.map((inquiry) => String(inquiry.unitId)))];
  const pairs = found.map((inquiry) => ({ unitId: String(inquiry.unitId), accountId: String(inquiry.accountId) }));
  const [clocks, policies] = await Promise.all([
    context.clocksFor(unitIds),
    context.dependencies.settings.policiesFor(pairs),
  ]);
  return found.map((inquiry): InquiryAtDate => {
    const unitId = String(inquiry.unitId);
    const accountId = String(inquiry.accountId);
    const clock = clocks.get(unitId) as InquiryClock;
    const policy = policies.get(unitAndAccountKey({ unitId, accountId }));
    const answered = inquiry.answeredAt && inquiry.answeredAt <= at ? inquiry.answeredAt : null;
    const markedInvalid = inquiry.timeline.some((entry) => entry.action === 'inquiry.marked-invalid' && entry.at <= at);
    const extended = inquiry.extensions.filter((extension) => extension.at <= at).at(-1);
    const firstExtension = inquiry.extensions[0];
    return {
      id: String(inquiry._id),
      code: inquiry.code,
      accountId,
      status: answered ? 'answered' : markedInvalid && inquiry.status === 'invalid' ? 'invalid' : 'open',
      receivedAt: inquiry.receivedAt,
      answeredAt: answered,
      answerDueOn: extended?.toDueOn ?? firstExtension?.fromDueOn ?? inquiry.answerDueOn,
      latestDueOn: policy ? latestPromiseOn(clock, inquiry.receivedAt, policy) : inquiry.answerDueOn,
    };
  });
}
