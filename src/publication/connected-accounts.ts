/**
 * Which accounts are connected to their platform, as the sweep and the cadence ask (R6, R10): the
 * accounts the daily sweep lists (every connection that is set, so one that fails is reported), and
 * those whose posts are counted from the platform — connections whose last test succeeded.
 */
import { isObjectIdText } from '../shared/ids';
import { OfficialAccountConnectionModel } from './official-account-connection-model';
import type { ConnectionState } from './official-account-connection-rules';
import type { AccountPublishing } from '../drafts/draft-service-types';

const setStates: ConnectionState[] = ['untested', 'connected', 'failed'];

export class ConnectedAccounts {
  /** Every account whose connection is set. */
  async listIds(): Promise<string[]> {
    const connections = await OfficialAccountConnectionModel.find({ state: { $in: setStates } }, { _id: 1 }).lean();
    return connections.map((connection) => String(connection._id));
  }

  /** Whether the account's posts are counted from its platform: it is connected and its test succeeded. */
  async countsFromPlatform(accountId: string): Promise<boolean> {
    if (!isObjectIdText(accountId)) return false;
    const connection = await OfficialAccountConnectionModel.findById(accountId, { state: 1 }).lean();
    return connection?.state === 'connected';
  }

  /** How an approved draft of the account goes out: through the platform while its connection is set (发布 uses it). */
  async publishingOf(accountId: string): Promise<AccountPublishing> {
    if (!isObjectIdText(accountId)) return 'by-hand';
    const connection = await OfficialAccountConnectionModel.findById(accountId, { state: 1, autoPublish: 1 }).lean();
    if (!connection || !setStates.includes(connection.state)) return 'by-hand';
    return connection.autoPublish ? 'automatic' : 'on-command';
  }
}
