import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { Types } from 'mongoose';
import { AuditTrail, verifyAuditChain } from '../../../src/audit/audit-service';
import { AuditEventModel, AuditHeadModel } from '../../../src/audit/audit-event-model';
import { encodeCanonical, hashEvent } from '../../../src/audit/audit-chain-rules';
import type { ChainedEvent, ChainedEventContent } from '../../../src/audit/audit-chain-rules';
import { ManualClock } from '../../../src/shared/clock';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { hostileText, propertySeed } from '../../support/hostile-text';

const clock = new ManualClock('2026-11-26T01:00:00Z');
const events = () => AuditEventModel.collection;

beforeAll(connectTestDatabase);
afterAll(disconnectTestDatabase);
beforeEach(async () => {
  await AuditEventModel.deleteMany({});
  await AuditHeadModel.deleteMany({});
});

describe('the audit trail with malformed text', () => {
  test('when events carry any Unicode at all, then what the database gives back matches its hash and the chain verifies', async () => {
    const trail = new AuditTrail({ clock });
    const seed = propertySeed();
    let appended = 0;
    await fc.assert(
      fc.asyncProperty(hostileText, hostileText, async (text, other) => {
        clock.advance(1000);
        const { event } = await trail.append({
          actor: { personId: new Types.ObjectId(), via: `wechaty-puppet-mock:${other}` },
          action: 'draft.submitted',
          subject: { type: 'draft', id: other },
          reason: text,
          details: { title: other, body: text, request: { comment: text, list: [text, other] } },
        });
        appended += 1;
        const stored = (await events().findOne({ _id: event._id } as never)) as unknown as ChainedEvent;
        expect(stored.hash).toBe(event.hash);
        expect(hashEvent(stored)).toBe(stored.hash);
        expect((stored as unknown as { reason: string }).reason).toBe(text.toWellFormed());
      }),
      { numRuns: 150, seed },
    );
    await trail.settle();
    expect(await verifyAuditChain()).toMatchObject({
      ok: true,
      count: appended,
      storedWithReplacedCharacters: [],
    });
  });

  describe('events stored before text was made well-formed', () => {
    /** An event as the old encoding hashed it: over the unpaired surrogates the database then replaced. */
    async function insertLegacyEvent(fields: Record<string, unknown>, editAfterHashing?: Record<string, unknown>) {
      const last = (await events().find({}).sort({ _id: -1 }).limit(1).toArray())[0] as unknown as ChainedEvent;
      const content: ChainedEventContent = {
        _id: last._id + 1,
        key: `legacy-${last._id + 1}`,
        at: clock.now(),
        actor: { personId: null, onBehalfOfId: null, via: 'wechaty-puppet-mock:legacy' },
        action: 'draft.approved',
        subject: { type: 'draft', id: 'legacy' },
        subjectVersion: 1,
        contentHash: '',
        reason: '',
        details: {},
        ...fields,
        previousHash: last.hash,
      };
      await events().insertOne({ ...content, ...editAfterHashing, hash: legacyHash(content) } as never);
    }

    async function appendOrdinary(count: number) {
      const trail = new AuditTrail({ clock });
      for (let index = 0; index < count; index += 1) {
        clock.advance(1000);
        await trail.append({ actor: {}, action: 'draft.submitted', subject: { type: 'draft', id: `d${index}` } });
      }
      await trail.settle();
    }

    test('when an event was hashed over half an emoji, then verify proves it intact and names the replaced character', async () => {
      await appendOrdinary(3);
      await insertLegacyEvent({
        reason: '同意，辛苦了\ud83d',
        details: { request: { comment: '同意，辛苦了\ud83d' } },
      });
      await appendOrdinary(2);

      const stored = await AuditEventModel.findById(4).lean();
      expect(stored?.reason).toBe('同意，辛苦了\ufffd');
      expect(await verifyAuditChain()).toMatchObject({
        ok: true,
        count: 6,
        storedWithReplacedCharacters: [{ sequence: 4, originals: ['U+D83D', 'U+D83D'] }],
      });
    });

    test('when such an event was also edited, then verify reports it edited, not replaced', async () => {
      await appendOrdinary(2);
      await insertLegacyEvent({ reason: '\ude00同意' }, { subjectVersion: 2 });
      await appendOrdinary(1);
      expect(await verifyAuditChain()).toMatchObject({
        ok: false,
        sequence: 3,
        problem: expect.stringContaining('edited'),
      });
    });

    test('when such an event holds too many replaced characters to check, then verify says so and does not pass it', async () => {
      await appendOrdinary(1);
      await insertLegacyEvent({ reason: 'a\ud83db\ud83dc\ud83d' });
      expect(await verifyAuditChain()).toMatchObject({
        ok: false,
        sequence: 2,
        problem: expect.stringContaining('3 replacement characters'),
      });
    });
  });
});

/** The encoding before well-formed strings: JSON escaped each unpaired surrogate as "\udXXX". */
function legacyHash(content: ChainedEventContent): string {
  const marker = '\ue000';
  const units: string[] = [];
  const marked = JSON.parse(
    JSON.stringify(content, (_key, value: unknown) =>
      typeof value === 'string'
        ? value.replace(/[\ud800-\udfff]/g, (unit, offset: number, whole: string) => {
            const paired =
              (unit <= '\udbff' && /[\udc00-\udfff]/.test(whole[offset + 1] ?? '')) ||
              (unit >= '\udc00' && /[\ud800-\udbff]/.test(whole[offset - 1] ?? ''));
            if (paired) return unit;
            units.push(`\\u${unit.charCodeAt(0).toString(16)}`);
            return marker;
          })
        : value,
    ),
  ) as ChainedEventContent;
  marked.at = content.at;
  let next = 0;
  const encoded = encodeCanonical(marked).replace(/\ue000/g, () => units[next++]);
  return createHash('sha256').update(encoded).digest('hex');
}
