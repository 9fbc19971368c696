/**
 * A database written before drafts had listings and timelines (issue 24), upgraded at start: the lists
 * read listings only, so until the upgrade they miss the old drafts; after it, every answer of the API
 * and the chat lists is what it was when the drafts were written, and each draft keeps its own events.
 */
import type http from 'node:http';
import request from 'supertest';
import { AccessTokens } from '../../../src/api/access-tokens';
import { createServices } from '../../../src/services';
import type { Services } from '../../../src/services';
import { createLogger } from '../../../src/shared/logger';
import { ManualClock } from '../../../src/shared/clock';
import { RevisionClaimModel } from '../../../src/shared/claimed-write';
import { DraftModel } from '../../../src/drafts/draft-model';
import { DraftListingModel } from '../../../src/drafts/draft-listing-model';
import { DraftListingChangeModel } from '../../../src/drafts/draft-listing-change-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import type { DraftListPage } from '../../../src/shared/contracts';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { importSampleOrganization, personId } from '../../support/people-factories';
import { cliToken, startApi } from '../../support/api-harness';

const clock = new ManualClock('2026-11-26T01:00:00Z');
const tokens = new AccessTokens('draft-upgrade-test-secret-0123456789abcdef', 3600, clock);
let services: Services;
let server: http.Server;

beforeAll(async () => {
  await connectTestDatabase();
  services = createServices({ clock, logger: createLogger('silent') });
  await importSampleOrganization(services.people);
  server = startApi(services, { wechatBaseUrl: 'http://127.0.0.1:9', tokens }).server;
}, 60_000);

afterAll(async () => {
  server.close();
  await services.audit.settle();
  await disconnectTestDatabase();
});

const actor = async (name: string) => ({ personId: await personId(name), via: 'test' });

/** Three drafts through the flow: one approved at step 1 of 2, one rejected and revised, one withdrawn. */
async function writeDrafts(): Promise<string[]> {
  const submit = async (title: string) =>
    (await services.drafts.submitDraft(await actor('刘洋'), { title, body: '各单位做好汛期值班。' })).code;
  const decide = async (code: string, decision: 'approve' | 'reject', comment: string) => {
    clock.advance(60_000);
    await services.drafts.decide(await actor('孙丽'), { code, decision, comment, versionNumber: null });
  };
  const approved = await submit('关于防汛值班的通知');
  await decide(approved, 'approve', '');
  const revised = await submit('关于防汛演练的通知');
  await decide(revised, 'reject', '请写明演练时间');
  clock.advance(60_000);
  await services.drafts.revise(await actor('刘洋'), {
    code: revised,
    title: '关于周六防汛演练的通知',
    body: '定于周六上午开展防汛演练。',
  });
  const withdrawn = await submit('关于暂停开放的通知');
  clock.advance(60_000);
  await services.drafts.withdraw(await actor('刘洋'), withdrawn);
  return [approved, revised, withdrawn];
}

/** What an admin and the chat commands see of the drafts. */
async function answers(codes: string[]) {
  const admin = `Bearer ${(await cliToken(tokens, clock, await personId('李静'))).token}`;
  const get = async (path: string) =>
    (await request(server).get(`/api/v1${path}`).set('Authorization', admin).expect(200)).body as unknown;
  return {
    list: await get('/drafts?limit=20'),
    details: await Promise.all(codes.map((code) => get(`/drafts/${code}`))),
    timelines: await Promise.all(codes.map((code) => get(`/drafts/${code}/timeline`))),
    dashboard: await get('/dashboard'),
    pending: await services.drafts.listPending(await actor('孙丽')),
    mine: await services.drafts.listMine(await actor('刘洋')),
  };
}

/** The drafts as a version that kept no listings and no timelines left them. */
async function storeTheOldWay(): Promise<void> {
  await DraftListingModel.deleteMany({});
  // Nor the listings' recent changes, which the processes' listing caches follow.
  await DraftListingChangeModel.deleteMany({});
  await DraftModel.updateMany({}, { $unset: { timeline: 1 } }, { timestamps: false });
  await RevisionClaimModel.deleteMany({ _id: /^once:/ });
}

describe('upgrading drafts stored before listings and timelines', () => {
  test('when a database written the old way is upgraded at start, then the lists, details, timelines and dashboard answer as before', async () => {
    const codes = await writeDrafts();
    const before = await answers(codes);
    expect((before.list as DraftListPage).items).toHaveLength(3);

    await storeTheOldWay();
    const list = await request(server)
      .get('/api/v1/drafts?limit=20')
      .set('Authorization', `Bearer ${(await cliToken(tokens, clock, await personId('李静'))).token}`)
      .expect(200);
    expect((list.body as DraftListPage).items).toEqual([]);

    await expect(services.drafts.upgradeStorage()).resolves.toBe('ran');
    expect(await answers(codes)).toEqual(before);

    const drafts = await DraftModel.find({}).lean();
    for (const draft of drafts) {
      const events = await AuditEventModel.find({ 'subject.type': 'draft', 'subject.id': String(draft._id) })
        .sort({ _id: 1 })
        .lean();
      expect(draft.timeline?.map((entry) => entry.sequence)).toEqual(events.map((event) => event._id));
      expect(await DraftListingModel.findById(draft._id).lean()).toMatchObject({ revision: draft.revision });
    }
    await expect(services.drafts.upgradeStorage()).resolves.toBe('done-before');
  }, 120_000);

  test('when the process doing the upgrade died, then the next start takes it over and finishes it', async () => {
    await storeTheOldWay();
    await RevisionClaimModel.create({
      _id: 'once:draft-listings-and-timelines:run:0',
      changes: [{ path: 'claimedAt', value: null }],
      claimedAt: new Date(clock.now().getTime() - 60_000),
    });

    await expect(services.drafts.upgradeStorage()).resolves.toBe('ran');

    expect(await DraftListingModel.countDocuments()).toBe(await DraftModel.countDocuments());
    expect(await DraftModel.countDocuments({ timeline: { $exists: false } })).toBe(0);
    expect(await RevisionClaimModel.findById('once:draft-listings-and-timelines:run:1').lean()).not.toBeNull();
    expect(await RevisionClaimModel.findById('once:draft-listings-and-timelines:done').lean()).not.toBeNull();
  }, 60_000);

  test('when two processes start on a database written the old way, then one upgrades it and the other waits for it', async () => {
    await storeTheOldWay();
    const other = createServices({ clock, logger: createLogger('silent') });

    const outcomes = await Promise.all([services.drafts.upgradeStorage(), other.drafts.upgradeStorage()]);

    expect(outcomes.sort()).toEqual(['ran', 'waited']);
    expect(await DraftListingModel.countDocuments()).toBe(await DraftModel.countDocuments());
  }, 60_000);
});
