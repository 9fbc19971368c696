/** Registers every API route the mini-program calls, answering with the fixtures (tests override some). */
import { fixtures, pinClock, signIn } from './fixtures';
import { connectionFixtures } from './connection-fixtures';
import { publicationFixtures } from './publication-fixtures';
import { inquiryFixtures } from './inquiry-fixtures';
import { installFakeWx, ok } from './fake-wx';
import type { FakeWx } from './fake-wx';

/** For a beforeEach: a fresh wx whose API answers the fixtures, the fixtures' today, and the admin signed in. */
export function signedInAdminOnFixtures(): FakeWx {
  const fake = installFakeWx();
  serveFixtures(fake);
  pinClock();
  signIn(fake.storage);
  return fake;
}

export function serveFixtures(fake: FakeWx): void {
  fake.route('POST /api/v1/auth/wechat', ok(fixtures.login));
  fake.route('GET /api/v1/dashboard', ok(fixtures.dashboard));
  fake.route('GET /api/v1/drafts', (request) =>
    ok(request.query.cursor === 'cursor-page-2' ? fixtures.draftsSecondPage : fixtures.draftsFirstPage),
  );
  fake.route('GET /api/v1/drafts/:reference', ok(fixtures.draftDetail));
  fake.route('GET /api/v1/drafts/:reference/diff', ok(fixtures.draftDiff));
  fake.route('GET /api/v1/drafts/:reference/timeline', ok(fixtures.draftTimeline));
  fake.route('POST /api/v1/audit/verify', ok(fixtures.verifyOk));
  fake.route('GET /api/v1/units', ok(fixtures.unitList));
  fake.route('GET /api/v1/people', (request) =>
    ok(request.query.cursor ? { items: [], nextCursor: null } : fixtures.personPage),
  );
  fake.route('POST /api/v1/people/:id/bind-codes', { status: 201, body: fixtures.bindCode });
  fake.route('DELETE /api/v1/people/:id/bindings', ok(fixtures.unbind));
  fake.route('GET /api/v1/approval-routes', ok(fixtures.approvalRoutes));
  fake.route(
    'DELETE /api/v1/approval-routes/:id',
    ok({ id: fixtures.approvalRoutes.items[0].id, removedAt: '2026-11-27T02:00:00.000Z' }),
  );
  fake.route('GET /api/v1/delegations', ok(fixtures.delegations));
  fake.route('POST /api/v1/delegations', { status: 201, body: fixtures.delegations });
  fake.route('GET /api/v1/exports/:kind', ok('xlsx bytes'));
  fake.route('GET /api/v1/accounts', ok(fixtures.accountList));
  fake.route('GET /api/v1/accounts/:id', (request) =>
    ok(fixtures.accountList.accounts.find((account) => request.path.endsWith(account.id))),
  );
  fake.route('GET /api/v1/accounts/:id/connection', ok(connectionFixtures.connected));
  fake.route('GET /api/v1/accounts/:id/sweep', ok(publicationFixtures.swept));
  fake.route('POST /api/v1/accounts/:id/sweep', ok(publicationFixtures.swept));
  fake.route('GET /api/v1/cadence', ok(fixtures.cadence));
  fake.route('GET /api/v1/annual-reviews', (request) =>
    ok(request.query.accountId ? fixtures.accountReviews : fixtures.annualReviews),
  );
  fake.route('GET /api/v1/inquiries', (request) =>
    ok(request.query.cursor === 'inquiry-cursor-2' ? inquiryFixtures.listSecondPage : inquiryFixtures.listFirstPage),
  );
  fake.route('GET /api/v1/inquiries/:id', ok(inquiryFixtures.detail));
  fake.route('GET /api/v1/inquiries/figures', ok(inquiryFixtures.figures));
  fake.route(
    'DELETE /api/v1/delegations/:id',
    ok({ ...fixtures.delegations.items[0], cancelledAt: '2026-11-27T02:00:00.000Z' }),
  );
}
