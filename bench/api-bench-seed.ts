/**
 * The data `npm run bench -- api` loads, by bulk insert: drafts as the draft service stored them
 * before listings and timelines were kept (versions with hash and findings, two steps, decisions), and
 * a chained audit trail spread over them, so the run starts from a database written the old way and
 * the drafts' upgrade at start (src/drafts/draft-storage-upgrade.ts) is measured too.
 */
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { mongo } from 'mongoose';
import { genesisHash, hashEvent } from '../src/audit/audit-chain-rules';
import { seededRandom } from './seeded-random';

const batchSize = 1000;
const random = seededRandom(9);

const paragraph =
  '各乡镇、各有关单位：为做好汛期安全防范工作，县应急管理局将于近期组织开展防汛应急演练，请各单位按照演练方案做好人员、物资和通信保障准备，演练结束后及时报送总结。';
const statuses = ['published', 'published', 'published', 'in_review', 'in_review', 'approved', 'rejected', 'withdrawn'];

export interface Organization {
  officers: { id: Types.ObjectId; unitId: Types.ObjectId }[];
  leaders: Types.ObjectId[];
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function pick<T>(values: T[]): T {
  return values[Math.floor(random() * values.length)];
}

/** A draft as the draft service stores one: versions with hash and findings, two steps, decisions. */
function draftDocument(index: number, organization: Organization) {
  const officer = organization.officers[index % organization.officers.length];
  const createdAt = new Date(Date.UTC(2026, 0, 1) + index * 600_000);
  const status = statuses[index % statuses.length];
  const versionCount = index % 4 === 0 ? 2 : 1;
  const versions = Array.from({ length: versionCount }, (_, offset) => {
    const title = `关于开展${index}号防汛应急演练的通知${offset ? '（修改稿）' : ''}`;
    const body = paragraph.repeat(3 + offset);
    return {
      number: offset + 1,
      title,
      body,
      sourceUrl: '',
      reprint: null,
      attachments:
        index % 5 === 0
          ? [
              {
                name: '演练方案.docx',
                mimeType: 'application/msword',
                size: 48_213,
                sha256: sha(`a${index}`),
                storagePath: `att/${index}`,
              },
            ]
          : [],
      contentHash: sha(`${title}\n${body}`),
      findings:
        index % 7 === 0
          ? [
              {
                rule: 'sensitive-term',
                category: '表述',
                severity: 'warn',
                field: 'body',
                start: 12,
                end: 16,
                excerpt: '汛期安全',
                suggestion: '请核实',
              },
            ]
          : [],
      createdById: officer.id,
      createdAt: new Date(createdAt.getTime() + offset * 3_600_000),
    };
  });
  const current = versions[versions.length - 1];
  const approvers = [pick(organization.leaders), pick(organization.leaders)];
  const decided = status === 'published' || status === 'approved' ? 2 : status === 'rejected' ? 1 : 0;
  const steps = approvers.map((approverId, step) => ({
    mode: 'any',
    approverIds: [approverId],
    backupApproverIds: [pick(organization.leaders)],
    status:
      step < decided
        ? status === 'rejected'
          ? 'rejected'
          : 'approved'
        : step === decided && status === 'in_review'
          ? 'pending'
          : 'waiting',
    decisions:
      step < decided
        ? [
            {
              approverId,
              onBehalfOfId: null,
              decision: status === 'rejected' ? 'reject' : 'approve',
              comment: status === 'rejected' ? '请补充演练时间' : '同意',
              versionNumber: current.number,
              contentHash: current.contentHash,
              decidedAt: new Date(createdAt.getTime() + (step + 1) * 7_200_000),
            },
          ]
        : [],
    handovers: [],
  }));
  const updatedAt = new Date(createdAt.getTime() + 4 * 3_600_000 + (index % 13) * 60_000);
  return {
    _id: new Types.ObjectId(),
    shortCode: `B${index.toString(36).toUpperCase().padStart(5, '0')}`,
    closedKey: status === 'in_review' || status === 'approved' ? '' : `closed-${index}`,
    unitId: officer.unitId,
    accountId: null,
    submitterId: officer.id,
    status,
    versions,
    currentVersion: current.number,
    steps,
    currentStepIndex: Math.min(decided, 1),
    ccIds: [],
    ccInformed: decided === 2,
    pendingApproverIds: status === 'in_review' ? [approvers[decided]] : [],
    publication:
      status === 'published'
        ? { url: `https://mp.weixin.qq.com/s/${index}`, publishedAt: updatedAt, reportedById: officer.id }
        : { url: '', publishedAt: null, reportedById: null },
    lastMessages: [],
    revision: 1 + decided,
    createdAt,
    updatedAt,
  };
}

export async function seedDrafts(
  db: mongo.Db,
  organization: Organization,
  draftCount: number,
): Promise<Types.ObjectId[]> {
  const ids: Types.ObjectId[] = [];
  const submitters: Types.ObjectId[] = [];
  for (let first = 0; first < draftCount; first += batchSize) {
    const batch = Array.from({ length: Math.min(batchSize, draftCount - first) }, (_, offset) =>
      draftDocument(first + offset + 1, organization),
    );
    await db.collection('drafts').insertMany(batch as never[], { ordered: false });
    for (const draft of batch) {
      ids.push(draft._id);
      submitters.push(draft.submitterId);
    }
  }
  return ids;
}

/** A chained trail spread over the drafts: about five events each (submitted, decisions, published). */
export async function seedAuditEvents(
  db: mongo.Db,
  draftIds: Types.ObjectId[],
  actorIds: Types.ObjectId[],
  eventCount: number,
): Promise<void> {
  const actions = ['draft.submitted', 'draft.revised', 'draft.approved', 'draft.approved', 'draft.published'];
  let previousHash = genesisHash;
  for (let first = 1; first <= eventCount; first += batchSize) {
    const batch = [];
    for (let sequence = first; sequence < Math.min(first + batchSize, eventCount + 1); sequence += 1) {
      const draft = draftIds[Math.floor(((sequence - 1) * draftIds.length) / eventCount)];
      const action = actions[(sequence - 1) % actions.length];
      const content = {
        _id: sequence,
        key: `${action}:${String(draft)}:${sequence}`,
        at: new Date(Date.UTC(2026, 0, 1) + sequence * 120_000),
        actor: { personId: actorIds[sequence % actorIds.length], onBehalfOfId: null, via: 'wechaty:contact' },
        action,
        subject: { type: 'draft', id: String(draft) },
        subjectVersion: 1,
        contentHash: sha(`content-${String(draft)}`),
        reason: action === 'draft.approved' ? '同意' : '',
        details: {},
        previousHash,
      };
      const hash = hashEvent(content);
      batch.push({ ...content, hash });
      previousHash = hash;
    }
    await db.collection('audit_events').insertMany(batch as never[], { ordered: true });
  }
  await db.collection('audit_head').insertOne({ _id: 'head', sequence: eventCount, hash: previousHash } as never);
}
