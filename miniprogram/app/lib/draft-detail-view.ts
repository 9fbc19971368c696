/**
 * What the draft detail page shows: the current version with its pre-check findings (R7), the approval
 * steps and decisions bound to a content hash (R2), every version, the difference between two versions
 * condensed for a phone, and the audit timeline (R3: who, for whom, when, what, why, which version).
 */
import type {
  AuditVerifyResponse,
  ContentFindingView,
  DiffSegment,
  DraftDetail,
  DraftDiff,
  TimelineEvent,
} from '../../../src/shared/contracts';
import { formatSize, formatTime, shortHash } from './format';

const stepStatusNames = { waiting: '未开始', pending: '审核中', approved: '已同意', rejected: '已驳回' } as const;
const stepStatusTags = {
  waiting: 'withdrawn',
  pending: 'in_review',
  approved: 'approved',
  rejected: 'rejected',
} as const;
const severityNames = { block: '必须修改', warn: '提醒', info: '提示' } as const;
const fieldNames = { title: '标题', body: '正文', reprint: '转载信息' } as const;

const names = (people: Array<{ name: string }>): string =>
  people.map((person) => person.name || '（已离职）').join('、');

export function toFindingRows(findings: ContentFindingView[]) {
  return findings.map((finding, index) => ({
    key: `${finding.rule}-${finding.start}-${index}`,
    severity: finding.severity,
    severityText: severityNames[finding.severity],
    where: `${finding.category} · ${fieldNames[finding.field]}`,
    excerpt: finding.excerpt,
    suggestion: finding.suggestion,
  }));
}

export function toDraftDetailView(draft: DraftDetail) {
  const current =
    draft.versions.find((version) => version.number === draft.currentVersion) ??
    draft.versions[draft.versions.length - 1];
  return {
    code: draft.code,
    status: draft.status,
    statusText: draft.statusText,
    unitName: draft.unit.name,
    submitterName: draft.submitter.name || '（已离职）',
    createdText: formatTime(draft.createdAt),
    updatedText: formatTime(draft.updatedAt),
    publication: draft.publication.url
      ? { url: draft.publication.url, whenText: formatTime(draft.publication.publishedAt) }
      : null,
    current: current
      ? {
          number: current.number,
          title: current.title,
          body: current.body,
          reprintText: current.reprint
            ? `转载自 ${current.reprint.source}，原标题《${current.reprint.originalTitle}》`
            : '',
          sourceUrl: current.sourceUrl,
          hashText: shortHash(current.contentHash),
          attachments: current.attachments.map((file) => ({
            key: file.sha256,
            name: file.name,
            detail: `${formatSize(file.size)} · ${shortHash(file.sha256)}`,
          })),
          findings: toFindingRows(current.findings),
        }
      : null,
    steps: draft.steps.map((step, index) => ({
      key: `step-${index}`,
      title: `第 ${index + 1} 步 · ${step.mode === 'all' ? '会签（全部同意）' : '或签（一人同意）'}`,
      status: stepStatusTags[step.status],
      statusText: stepStatusNames[step.status],
      approvers: names(step.approvers),
      backups: names(step.backupApprovers),
      decisions: step.decisions.map((decision, decisionIndex) => ({
        key: `decision-${index}-${decisionIndex}`,
        who: decision.onBehalfOf
          ? `${decision.approver.name}（代 ${decision.onBehalfOf.name}）`
          : decision.approver.name || '（已离职）',
        decisionText: decision.decision === 'approve' ? '同意' : '驳回',
        decision: decision.decision === 'approve' ? 'approved' : 'rejected',
        comment: decision.comment,
        boundText: `第 ${decision.versionNumber} 版 · ${shortHash(decision.contentHash)}`,
        whenText: formatTime(decision.decidedAt),
      })),
    })),
    versions: [...draft.versions].reverse().map((version) => ({
      number: version.number,
      title: version.title,
      meta: `${formatTime(version.createdAt)} · ${version.createdBy.name || '（已离职）'} · ${shortHash(version.contentHash)}`,
      findingCount: version.findings.length,
      canCompare: version.number > 1,
    })),
  };
}

export type DraftDetailView = ReturnType<typeof toDraftDetailView>;

export function toTimelineRows(events: TimelineEvent[]) {
  return events.map((event) => ({
    key: String(event.sequence),
    sequence: event.sequence,
    action: event.action,
    tone: timelineTone(event),
    actionText: event.actionText,
    who: event.actor?.name || '系统',
    onBehalfText: event.onBehalfOf ? `代 ${event.onBehalfOf.name}` : '',
    whenText: formatTime(event.at),
    via: viaText(event.via),
    versionText: event.versionNumber !== null ? `第 ${event.versionNumber} 版` : '',
    hashText: shortHash(event.contentHash),
    reason: event.reason,
  }));
}

export type TimelineRow = ReturnType<typeof toTimelineRows>[number];

/** Where an action came from, in words for the system's own channels; a chat identity as it is. */
function viaText(via: string): string {
  if (via === 'sweep') return '平台巡查';
  if (via === 'auto-publish') return '审核通过后自动发布';
  if (via === 'platform-push') return '公众号平台通知';
  if (via === 'job:publication-check') return '发布结果查询';
  if (via.startsWith('platform:')) return '公众号平台';
  return via;
}

/**
 * good: an approval, a publication or its verification; bad: a rejection, withdrawal or revocation, and
 * a publication that failed, differs from its approval or was deleted or changed on the platform.
 */
function timelineTone(event: TimelineEvent): 'good' | 'bad' | 'plain' {
  if (/reject|withdr|revok|mismatch|fail|delet|replac|unapprov/.test(event.action)) return 'bad';
  if (event.action === 'publication.finished') return event.actionText.includes('未成功') ? 'bad' : 'good';
  return /approv|publish|verif/.test(event.action) ? 'good' : 'plain';
}

/**
 * Keeps the changes and a little context around them: unchanged runs longer than twice `context`
 * characters are cut to their ends, so a long article's diff fits a phone screen.
 */
export function condenseSegments(segments: DiffSegment[], context = 14): DiffSegment[] {
  return segments.map((segment, index) => {
    if (segment.kind !== 'same' || segment.text.length <= context * 2 + 3) return segment;
    const head = segment.text.slice(0, context);
    const tail = segment.text.slice(-context);
    if (index === 0) return { kind: 'same', text: `…${tail}` };
    if (index === segments.length - 1) return { kind: 'same', text: `${head}…` };
    return { kind: 'same', text: `${head} … ${tail}` };
  });
}

export function toDiffView(diff: DraftDiff) {
  const changed = (segments: DiffSegment[]) => segments.some((segment) => segment.kind !== 'same');
  const keyed = (segments: DiffSegment[]) => segments.map((segment, index) => ({ ...segment, key: index }));
  return {
    heading: `第 ${diff.from.number} 版（${shortHash(diff.from.contentHash)}）→ 第 ${diff.to.number} 版（${shortHash(diff.to.contentHash)}）`,
    titleChanged: changed(diff.title),
    title: keyed(diff.title),
    bodyChanged: changed(diff.body),
    body: keyed(condenseSegments(diff.body)),
  };
}

export type DiffView = ReturnType<typeof toDiffView>;

/** The answer of the trail verification in words. */
export function toVerifyResult(result: AuditVerifyResponse) {
  if (result.ok) {
    const head = result.head ? `，最新一条 #${result.head.sequence}（${shortHash(result.head.hash)}）` : '';
    return {
      ok: true,
      title: '审计记录完整',
      detail: `已校验 ${result.count} 条记录${head}，核对签名摘要 ${result.digestsChecked} 份。校验时间 ${formatTime(result.checkedAt)}。`,
    };
  }
  const where = result.brokenAtSequence !== null ? `第 #${result.brokenAtSequence} 条` : '某处';
  return {
    ok: false,
    title: '审计记录被改动或缺失',
    detail: `哈希链在${where}断开（${result.problem ?? '原因不明'}）。请立即联系系统管理员保全数据并核查。`,
  };
}

export type VerifyResult = ReturnType<typeof toVerifyResult>;
