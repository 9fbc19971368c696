/**
 * The posts of each account (R6): one per published draft, recorded from 已发布 reports (the draft
 * service) and made up by the daily check, each moving its account's last-post dates forward.
 * Apart from the cadence service so the draft service can record through it without a cycle.
 */
import { Types } from 'mongoose';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { isUniqueConflict } from '../shared/database';
import type { PublishedDraft } from '../drafts/draft-service-types';
import { PostModel } from './post-model';
import { CadenceStateModel } from './cadence-state-model';
import type { CadenceAccounts } from '../accounts/cadence-accounts';

export interface PostLedgerDependencies {
  clock: Clock;
  accounts: Pick<CadenceAccounts, 'soleActiveAccountOf'>;
  logger?: Logger;
}

export class PostLedger {
  constructor(private readonly dependencies: PostLedgerDependencies) {}

  /** Records a post (once per draft) and moves its account's last-post dates forward. */
  async recordPublication(publication: PublishedDraft): Promise<void> {
    const accountId =
      publication.accountId ?? (await this.dependencies.accounts.soleActiveAccountOf(publication.unitId));
    try {
      await PostModel.create({
        draftId: publication.draftId,
        accountId,
        unitId: publication.unitId,
        publishedAt: publication.publishedAt,
        url: publication.url,
        original: publication.original,
        recordedAt: this.dependencies.clock.now(),
      });
    } catch (error) {
      // Recorded already (a repeated report, or the daily check making up a missed one).
      if (!isUniqueConflict(error)) throw error;
    }
    if (!accountId) {
      this.dependencies.logger?.warn(
        { draftId: publication.draftId, unitId: publication.unitId },
        'post names no account and its unit has several; not counted for any account',
      );
      return;
    }
    await CadenceStateModel.updateOne(
      { _id: new Types.ObjectId(accountId) },
      {
        $max: {
          lastPostAt: publication.publishedAt,
          ...(publication.original ? { lastOriginalPostAt: publication.publishedAt } : {}),
        },
      },
      { upsert: true },
    );
  }
}
