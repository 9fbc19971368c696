/**
 * Publishing approved drafts through a platform's API (R1, R2, R10): `发布 K7Q2` in chat, the API's
 * POST /drafts/{reference}/publish and automatic publishing after approval all come here. An attempt is
 * claimed by inserting its publication (one in flight per draft), built from exactly the approved version
 * (article-build-rules), sent (publication-submission.ts) and recorded; its result, verification and
 * notices are publication-results.ts's.
 */
import fs from 'node:fs/promises';
import { Types } from 'mongoose';
import { isAppError, refusalError } from '../shared/errors';
import { draftHeading } from '../drafts/draft-messages';
import type { DraftForPublication, DraftSummary } from '../drafts/draft-service-types';
import { platformLabels } from '../accounts/account-rules';
import { isArticleRefusal, planArticle } from './article-build-rules';
import { PublicationModel } from './publication-model';
import type { Publication } from './publication-model';
import { refuseDraftState, refusePublisher, refuseUnconnected } from './publication-rules';
import { describeAutomaticRefused, describeForView, describeSubmitted } from './publication-messages';
import { changePublication } from './publication-changes';
import { submittedChange, submissionFailedChange } from './publication-rules';
import { sendArticle } from './publication-submission';
import { PublicationResults } from './publication-results';
import type { OfficialAccountPushHandler } from './official-account-push-rules';
import type {
  PublicationActor,
  PublicationServiceDependencies,
  PublishingConnection,
} from './publication-service-types';

const officialAccount = 'wechat-official-account';
const automaticActor: PublicationActor = { personId: null, via: 'auto-publish' };

/** What 发布 answers: the attempt as stored, and the text for the person who asked. */
export interface PublicationStarted {
  publication: Publication;
  message: string;
}

export class PublicationService {
  readonly results: PublicationResults;

  constructor(private readonly dependencies: PublicationServiceDependencies) {
    this.results = new PublicationResults(dependencies);
  }

  /** 发布 K7Q2: by the draft's submitter or an admin of its unit (refusals as AppErrors, in Chinese). */
  async publish(actor: PublicationActor, code: string): Promise<PublicationStarted> {
    const draft = await this.dependencies.drafts.findForPublication({ code });
    const isUnitAdmin = actor.personId ? await this.isAdminOf(actor.personId, draft.unitId) : false;
    const refusal = refusePublisher({ actorId: actor.personId, isUnitAdmin, draft });
    if (refusal) throw refusalError(refusal);
    return this.start(actor, draft, false);
  }

  /**
   * After the last approval (DraftService's onApproved): publishes at once when the draft's account is
   * connected with automatic publishing on; tells the submitter when it cannot.
   */
  async publishAutomatically(approved: DraftSummary): Promise<void> {
    const draft = await this.dependencies.drafts.findForPublication({ id: approved.id });
    const connection = draft.accountId ? await this.dependencies.connections.connectionFor(draft.accountId) : null;
    if (!connection?.autoPublish) return;
    try {
      const { message } = await this.start(automaticActor, draft, true);
      await this.tellSubmitter(draft, 'auto-submitted', message);
    } catch (error) {
      if (!isAppError(error) || !error.expose) throw error;
      const heading = draftHeading(draft.code, draft.version.title);
      await this.tellSubmitter(draft, 'auto-refused', describeAutomaticRefused({ heading }, draft.code, error.message));
    }
  }

  /**
   * The push endpoint's handler (official-account-push-routes.ts): a publication's result goes to its
   * attempt; the other pushes (the public's messages) are not publishing's.
   */
  readonly handlePush: OfficialAccountPushHandler = async (accountId, push) => {
    if (push.kind === 'publish-job-finished') await this.results.handlePushedResult(accountId, push);
  };

  /** The check job's run (after, until]: asks the platform, verifies, gives up, completes notices. */
  checkUnfinished(run: { after: Date; until: Date }): Promise<number> {
    return this.results.checkUnfinished(run);
  }

  /** The draft's latest attempt; null when it was never published through a platform. */
  async latestForDraft(draftId: string): Promise<Publication | null> {
    const [latest] = await PublicationModel.find({ draftId: new Types.ObjectId(draftId) })
      .sort({ createdAt: -1 })
      .limit(1)
      .lean<Publication[]>();
    return latest ?? null;
  }

  /** 查看's lines about the draft's publication and its verification. */
  async describeForDraft(draftId: string, code: string): Promise<string[]> {
    return describeForView(await this.latestForDraft(draftId), code);
  }

  private async start(actor: PublicationActor, draft: DraftForPublication, automatic: boolean) {
    const { clock } = this.dependencies;
    const stateRefusal = refuseDraftState(draft, await this.latestForDraft(draft.id));
    if (stateRefusal) throw refusalError(stateRefusal);
    const { accountId, account, connection } = await this.accountOf(draft);
    const approvedHash = draft.approvedHash ?? '';
    const plan = planArticle(draft.version, {
      approvedHash,
      author: connection.author,
      defaultCoverMediaId: connection.defaultCoverMediaId,
    });
    if (isArticleRefusal(plan)) throw refusalError(plan);
    const now = clock.now();
    // The claim: one attempt in flight per draft (PUBLICATION_IN_FLIGHT otherwise).
    const created = await PublicationModel.create({
      draftId: draft.id,
      draftCode: draft.code,
      unitId: draft.unitId,
      accountId,
      submitterId: draft.submitterId,
      requestedById: actor.personId,
      approverIds: draft.approverIds,
      versionNumber: draft.version.number,
      contentHash: approvedHash,
      title: plan.title,
      text: plan.text,
      fingerprint: plan.fingerprint.whole,
      stateChangedAt: now,
    });
    const readFile = this.dependencies.readFile ?? ((path: string) => fs.readFile(path));
    let sent;
    try {
      sent = await sendArticle(connection.platform, plan, readFile);
    } catch (error) {
      const failure =
        isAppError(error) && error.expose
          ? { code: error.code, message: error.message }
          : { code: 'PUBLICATION_SUBMIT_FAILED', message: '提交公众号时出现意外错误' };
      await changePublication(this.dependencies, created._id, actor, (current) =>
        submissionFailedChange(current, failure, clock.now()),
      );
      throw error;
    }
    const { publication } = await changePublication(this.dependencies, created._id, actor, (current) =>
      submittedChange(current, sent, clock.now()),
    );
    this.dependencies.logger?.info(
      { publication: String(publication._id), draft: draft.id, publishId: sent.publishId },
      'publication submitted to the platform',
    );
    const heading = draftHeading(draft.code, plan.title);
    return { publication, message: describeSubmitted({ heading, accountName: account.name }, automatic) };
  }

  /** The draft's account and its connection, or why it cannot be published through the platform. */
  private async accountOf(
    draft: DraftForPublication,
  ): Promise<{ accountId: string; account: { name: string }; connection: PublishingConnection }> {
    const { accountId } = draft;
    const found = accountId ? (await this.dependencies.accounts.findAccounts([accountId])).get(accountId) : undefined;
    const connection =
      found?.platform === officialAccount && accountId
        ? await this.dependencies.connections.connectionFor(accountId)
        : null;
    const refusal = refuseUnconnected({
      code: draft.code,
      account: found
        ? {
            name: found.name,
            platformLabel: (platformLabels as Record<string, string>)[found.platform] ?? found.platform,
            officialAccount: found.platform === officialAccount,
          }
        : null,
      connected: connection !== null,
    });
    if (refusal) throw refusalError(refusal);
    if (!accountId || !found || !connection) {
      throw new Error('an account without a connection passed the connection check');
    }
    return { accountId, account: found, connection };
  }

  private async isAdminOf(personId: string, unitId: string): Promise<boolean> {
    const admin = await this.dependencies.people.findAdmin(personId);
    return admin ? this.dependencies.people.adminCoversUnit(admin, unitId) : false;
  }

  private tellSubmitter(draft: DraftForPublication, kind: string, text: string): Promise<void> {
    return this.dependencies.outbox.enqueue([
      {
        idempotencyKey: `publication:${draft.id}:v${draft.version.number}:${kind}:${draft.submitterId}`,
        recipient: { personId: draft.submitterId },
        text,
      },
    ]);
  }
}
