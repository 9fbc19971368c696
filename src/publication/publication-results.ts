/**
 * What happens after the platform took an article (R10): its result, by push or by the check job asking
 * with backoff; on success the draft recorded as published (and the post counted, as 已发布 does) and the
 * article fetched and verified against the approved version; the notices of each outcome. Every step is
 * a claimed change that a second bringer of the same news finds done, and each notice is keyed, so a
 * push racing the check job, or a crash between a change and its notices, sends nothing twice and
 * loses nothing: the check job re-sends the notices of the minute before its run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Types } from 'mongoose';
import { draftHeading } from '../drafts/draft-messages';
import { platformVia } from '../drafts/draft-service';
import { describeMismatch, describeVerified } from './article-diff-rules';
import { readPublishStatus } from './publish-status-rules';
import { PublicationModel } from './publication-model';
import type { Publication } from './publication-model';
import { changePublication } from './publication-changes';
import {
  checkActionFor,
  finishedChange,
  gaveUpChange,
  giveUpAfterMs,
  outcomeNotice,
  submissionFailedChange,
  unfinishedStates,
  verificationChange,
} from './publication-rules';
import { describeDeleted, describeFailure } from './publication-messages';
import { differenceOf, verifyArticle } from './publication-verification-rules';
import type { PublicationActor, PublicationResult, PublicationServiceDependencies } from './publication-service-types';

const pushActor: PublicationActor = { personId: null, via: 'platform-push' };
const checkActor: PublicationActor = { personId: null, via: 'job:publication-check' };
/** How long a push is held back, in turn, while its attempt may still be storing its publish_id. */
const pushOvertakesSubmissionWaitsMs = [100, 200, 400, 800, 1600];
/** Notices of outcomes reached this long before a check run are enqueued again (keyed: never twice). */
const noticeRepeatMs = 60_000;

export class PublicationResults {
  constructor(private readonly dependencies: PublicationServiceDependencies) {}

  /** A PUBLISHJOBFINISH push for `accountId`: applied to that account's publication with the publish_id. */
  async handlePushedResult(accountId: string, result: PublicationResult): Promise<void> {
    const publication = await this.findPublished(result.publishId);
    if (!publication || String(publication.accountId) !== accountId) {
      // Published from the back office, or another account's id: the sweep looks at what is on the platform.
      this.dependencies.logger?.info({ accountId, publishId: result.publishId }, 'push for no publication of ours');
      return;
    }
    await this.applyResult(publication, result, pushActor);
  }

  /**
   * The attempt with this publish_id. A quick platform can push the result before the attempt has
   * stored the publish_id from freepublish/submit's answer (milliseconds later): it is looked for again
   * for a few seconds. A result that still finds nothing is the check job's to find (its first check
   * is a minute after the submission), or was published outside the system.
   */
  private async findPublished(publishId: string): Promise<Publication | null> {
    for (const waitMs of [0, ...pushOvertakesSubmissionWaitsMs]) {
      if (waitMs > 0) await sleep(waitMs);
      const [found] = await PublicationModel.find({ publishId }).limit(1).lean<Publication[]>();
      if (found) return found;
    }
    return null;
  }

  /**
   * The check job's run (after, until]: each unfinished attempt whose check is due is asked about (or
   * verified, given up, or found cut short); then the notices of the outcomes of the minute before.
   * Answers how many attempts it looked at.
   */
  async checkUnfinished(run: { after: Date; until: Date }): Promise<number> {
    const unfinished = await PublicationModel.find({
      state: { $in: unfinishedStates },
      stateChangedAt: { $gte: new Date(run.until.getTime() - 2 * giveUpAfterMs) },
    }).lean<Publication[]>();
    let looked = 0;
    for (const publication of unfinished) {
      const action = checkActionFor(publication, run);
      if (action === 'wait') continue;
      looked += 1;
      try {
        await this.check(publication, action);
      } catch (error) {
        this.dependencies.logger?.warn(
          { err: error, publication: String(publication._id), action },
          'publication check failed; the next check tries again',
        );
      }
    }
    const recent = await PublicationModel.find({
      state: { $in: ['failed', 'verified', 'mismatch'] },
      stateChangedAt: {
        $gt: new Date(run.after.getTime() - noticeRepeatMs),
        $lte: new Date(run.until.getTime() - noticeRepeatMs),
      },
    }).lean<Publication[]>();
    for (const publication of recent) await this.notifyOutcome(publication);
    return looked;
  }

  private async check(publication: Publication, action: ReturnType<typeof checkActionFor>): Promise<void> {
    const now = this.dependencies.clock.now();
    switch (action) {
      case 'cut-short': {
        const failure = {
          code: 'SUBMISSION_INTERRUPTED',
          message: '提交公众号时中断，平台可能未收到；请先在公众号后台「发表记录」中确认是否已发布',
        };
        await this.changeAndNotify(publication, checkActor, (current) => submissionFailedChange(current, failure, now));
        return;
      }
      case 'give-up':
        await this.changeAndNotify(publication, checkActor, (current) => gaveUpChange(current, now));
        return;
      case 'ask-platform': {
        const connection = await this.dependencies.connections.connectionFor(String(publication.accountId));
        if (!connection) return;
        const result = await connection.platform.getPublication(publication.publishId);
        await this.applyResult(publication, { ...result, publishId: publication.publishId }, checkActor);
        return;
      }
      case 'verify':
        await this.afterPublished(publication, checkActor);
        return;
      case 'wait':
        return;
    }
  }

  private async applyResult(publication: Publication, result: PublicationResult, actor: PublicationActor) {
    const now = this.dependencies.clock.now();
    const articleUrl = result.articleUrls[0] ?? '';
    const { publication: after, changed } = await changePublication(
      this.dependencies,
      publication._id,
      actor,
      (current) =>
        finishedChange(current, { status: result.status, articleId: result.articleId ?? '', articleUrl }, now),
    );
    if (!changed) return;
    this.dependencies.logger?.info(
      { publication: String(after._id), publishId: result.publishId, status: result.status },
      'publication result recorded',
    );
    if (after.state === 'published') await this.afterPublished(after, actor);
    else await this.notifyOutcome(after);
  }

  /**
   * A success: the draft recorded as published (the post counted for the cadence), then the article
   * verified. Both may be done again (by the check job after a crash): the draft answers that it is
   * recorded, and the verification is a change from 'published' only.
   */
  private async afterPublished(publication: Publication, actor: PublicationActor): Promise<void> {
    await this.recordOnDraft(publication);
    const verified = await this.verify(publication, actor);
    if (verified) await this.notifyOutcome(verified);
  }

  private async recordOnDraft(publication: Publication): Promise<void> {
    try {
      // The submitter answers for what goes out (R9); the trail says it came through the platform.
      await this.dependencies.drafts.reportPublished(
        { personId: String(publication.submitterId), via: `${platformVia}${publication.publishId}` },
        { code: publication.draftCode, url: publication.articleUrl },
      );
    } catch (error) {
      // Revised or revoked while the platform published it: the article is out all the same, and its
      // verification (and the sweep) still compare it with what was approved.
      this.dependencies.logger?.warn(
        { err: error, publication: String(publication._id), draft: String(publication.draftId) },
        'published article not recorded on its draft',
      );
    }
  }

  /** Fetches the article and records its verification; null when it cannot be fetched now (checked again later). */
  private async verify(publication: Publication, actor: PublicationActor): Promise<Publication | null> {
    const connection = await this.dependencies.connections.connectionFor(String(publication.accountId));
    if (!connection) return null;
    const [article] = await connection.platform.getArticle(publication.articleId);
    if (!article) return null;
    // The difference is shown from the stored texts (differenceOf); the record keeps those, not the diff.
    const { difference: _shown, ...result } = verifyArticle(
      { title: publication.title, text: publication.text },
      article,
    );
    const now = this.dependencies.clock.now();
    const { publication: after, changed } = await changePublication(
      this.dependencies,
      publication._id,
      actor,
      (current) => verificationChange(current, result, now),
    );
    if (changed) {
      this.dependencies.logger?.info(
        { publication: String(after._id), state: after.state, placeCount: result.placeCount },
        'publication verified',
      );
    }
    return changed ? after : null;
  }

  private async changeAndNotify(
    publication: Publication,
    actor: PublicationActor,
    decide: Parameters<typeof changePublication>[3],
  ): Promise<void> {
    const { publication: after, changed } = await changePublication(this.dependencies, publication._id, actor, decide);
    if (changed) await this.notifyOutcome(after);
  }

  /** The notices of an outcome (publication-rules' outcomeNotice), keyed per publication, outcome and person. */
  async notifyOutcome(publication: Publication): Promise<void> {
    const notice = outcomeNotice(publication);
    if (!notice) return;
    const { accounts, people, outbox } = this.dependencies;
    const accountId = String(publication.accountId);
    const [found, admins] = await Promise.all([
      accounts.findAccounts([accountId]),
      notice.toAdmins ? people.adminsOf(String(publication.unitId)) : Promise.resolve([]),
    ]);
    const accountName = found.get(accountId)?.name ?? '';
    const heading = draftHeading(publication.draftCode, publication.title);
    const named = { heading, accountName, versionNumber: publication.versionNumber, url: publication.articleUrl };
    const { verification, failure } = publication;
    const code = publication.draftCode;
    const text =
      publication.state === 'verified'
        ? describeVerified(named)
        : publication.state === 'mismatch' && verification
          ? verification.deleted
            ? describeDeleted(named)
            : describeMismatch(named, differenceOf(publication, verification))
          : failure?.publishStatus != null
            ? readPublishStatus(failure.publishStatus, { code, heading, accountName, url: publication.articleUrl }).text
            : describeFailure({ heading, accountName }, code, failure ?? failureUnknown);
    const recipients = new Set(
      [
        publication.submitterId,
        ...publication.approverIds,
        publication.requestedById,
        ...admins.map((admin) => admin.id),
      ]
        .filter((id): id is Types.ObjectId | string => id !== null)
        .map(String),
    );
    await outbox.enqueue(
      [...recipients].map((personId) => ({
        idempotencyKey: `publication:${String(publication._id)}:${publication.state}:${personId}`,
        recipient: { personId },
        text,
      })),
    );
  }
}

const failureUnknown = { publishStatus: null, code: 'PUBLISH_FAILED', message: '发布未成功' };
