import { Types } from 'mongoose';
import { approvalsSince, countByStatus, waitingLongest } from '../../../src/dashboard/dashboard-rules';
import type { DashboardListing } from '../../../src/drafts/draft-reports';

const unitId = new Types.ObjectId();
const at = (day: number) => new Date(Date.UTC(2026, 10, day));

function listed(overrides: Partial<DashboardListing>): DashboardListing {
  return {
    _id: new Types.ObjectId(),
    shortCode: 'K7Q2',
    title: '通知',
    unitId,
    status: 'in_review',
    pendingApproverIds: [],
    versionCreatedAt: at(1),
    approvedAt: null,
    updatedAt: at(1),
    ...overrides,
  };
}

describe('the dashboard figures from the drafts listings', () => {
  test('when drafts are in several statuses, then each status is counted and the others are zero', () => {
    const drafts = [listed({ status: 'in_review' }), listed({ status: 'in_review' }), listed({ status: 'published' })];
    expect(countByStatus(drafts)).toEqual({ in_review: 2, approved: 0, published: 1, rejected: 0, withdrawn: 0 });
  });

  test('when approvals fall inside and outside the window, then only approved or published drafts approved inside count', () => {
    const windowStart = at(10);
    const inside = listed({ status: 'published', versionCreatedAt: at(11), approvedAt: at(12), updatedAt: at(13) });
    const drafts = [
      inside,
      listed({ status: 'approved', approvedAt: at(9), updatedAt: at(11) }),
      listed({ status: 'in_review', approvedAt: at(12), updatedAt: at(12) }),
      listed({ status: 'approved', approvedAt: null, updatedAt: at(12) }),
    ];
    expect(approvalsSince(drafts, windowStart)).toEqual([
      { unitId: String(unitId), submittedAt: at(11), approvedAt: at(12) },
    ]);
  });

  test('when drafts wait in review, then the longest waiting since their version come first, at most the length asked', () => {
    const drafts = [
      listed({ shortCode: 'NEW1', versionCreatedAt: at(20), updatedAt: at(20) }),
      listed({ shortCode: 'OLD1', versionCreatedAt: at(2), updatedAt: at(21) }),
      listed({ shortCode: 'DONE', status: 'approved', versionCreatedAt: at(1), updatedAt: at(1) }),
      listed({ shortCode: 'MID1', versionCreatedAt: at(10), updatedAt: at(10) }),
    ];
    expect(waitingLongest(drafts, 2).map((draft) => draft.shortCode)).toEqual(['OLD1', 'MID1']);
  });
});
