/**
 * Connecting a 微信公众号 account to the platform's API (R10): an admin (API, mini-program) or the
 * server's operator (CLI) sets, tests, shows and removes the connection; the publication feature gets
 * what it needs through two ports, `pushSecrets` (to check and open the platform's pushes) and
 * `clientFor` (an API client with the account's settings).
 *
 * The AppSecret, the Token and the EncodingAESKey are write-only: sealed before they are stored
 * (shared/secret-box.ts, with a master secret kept outside the database), opened only to call the
 * platform or check a push, and never answered, logged or recorded; the audit trail names which were
 * replaced. Each change is a claimed write on the claims collection (shared/claimed-write.ts), then its
 * audit event: a change that carries secrets cannot be its own audit event, which is kept for good.
 */
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { ConflictError, refusalError } from '../shared/errors';
import { isUniqueConflict } from '../shared/database';
import { isObjectIdText } from '../shared/ids';
import { createSecretBox, SecretUnreadableError } from '../shared/secret-box';
import type { SecretBox } from '../shared/secret-box';
import {
  changeRecordAnswering,
  forgetClaimCarries,
  revisionClaims,
  unknownClaim,
  writeAtRevision,
} from '../shared/claimed-write';
import type { FieldChanges } from '../shared/claimed-write';
import type { AuditTrail } from '../audit/audit-service';
import type { ConnectionSettingsBody, ConnectionView } from '../shared/contracts/connections';
import { OfficialAccountConnectionModel } from './official-account-connection-model';
import type { OfficialAccountConnection } from './official-account-connection-model';
import { OfficialAccountApiError } from './official-account-client';
import type { OfficialAccountClient } from './official-account-client';
import {
  decideSettings,
  namesOfSecrets,
  secretFields,
  toConnectionView,
  unsetConnection,
} from './official-account-connection-rules';
import type { ConnectableAccount, ConnectionFacts, SecretField } from './official-account-connection-rules';
import type { PublishingConnection } from './publication-service-types';

/**
 * Who asks: an admin through the API (only for accounts within their scope, as for editing the
 * account), or the server's operator on the command line (any account; they hold its configuration).
 */
export type ConnectionCaller = { kind: 'admin'; personId: string } | { kind: 'operator'; personId: string | null };

/** What the connection needs from the registry, the accounts as ConnectableAccount. */
export interface ConnectionAccounts {
  /** The account for an admin who may change it; 404 for an admin of other units, 403 for others. */
  findForAdminChange(actor: { personId: string; via: string }, accountId: string): Promise<ConnectableAccount>;
  /** The account by id or name, for the operator. */
  findForOperator(reference: string): Promise<ConnectableAccount>;
}

/** The platform's settings a client is built from (the AppSecret opened for it). */
export interface ClientSettings {
  apiBaseUrl: string;
  appId: string;
  appSecret: string;
}

/** What the push endpoint checks a push with: the signature's Token, the AES key and the AppID sealed inside. */
export interface PushSecrets {
  appId: string;
  token: string;
  encodingAesKey: string;
}

export interface OfficialAccountConnectionsDependencies {
  clock: Clock;
  audit: Pick<AuditTrail, 'append'>;
  accounts: ConnectionAccounts;
  people: { findPeople(ids: string[]): Promise<Map<string, { name: string }>> };
  /** The master secret of the sealed values; asked for when a connection is first used. */
  secretKey: () => string;
  /** An API client for the settings (OfficialAccountClient with the system's clock and logger). */
  createClient: (settings: ClientSettings) => OfficialAccountClient;
  logger?: Logger;
}

const sealedFields: Record<SecretField, 'sealedAppSecret' | 'sealedToken' | 'sealedEncodingAesKey'> = {
  appSecret: 'sealedAppSecret',
  token: 'sealedToken',
  encodingAesKey: 'sealedEncodingAesKey',
};

export class OfficialAccountConnections {
  private box: SecretBox | null = null;
  /** One client per account while its settings stay the same, so its access token is reused. */
  private readonly clients = new Map<string, { settings: string; client: OfficialAccountClient }>();

  constructor(private readonly dependencies: OfficialAccountConnectionsDependencies) {}

  async show(caller: ConnectionCaller, accountReference: string): Promise<ConnectionView> {
    const account = await this.account(caller, accountReference);
    return this.view(account.id);
  }

  /**
   * Saves the settings (secrets left out keep the ones stored); the connection is then untested, unless
   * only its publishing settings changed.
   */
  async set(
    caller: ConnectionCaller,
    accountReference: string,
    settings: ConnectionSettingsBody,
  ): Promise<ConnectionView> {
    const account = await this.account(caller, accountReference);
    const box = this.secretBox();
    await this.ensureRecord(account.id);
    let replaced: SecretField[] = [];
    const written = await this.change(account.id, (record) => {
      const decided = decideSettings(account, factsOf(record), settings);
      if ('refusal' in decided) throw refusalError(decided.refusal);
      const { appId, apiBaseUrl, secrets, publishing, untested } = decided.change;
      replaced = secretFields.filter((field) => secrets[field] !== undefined);
      const changes: Record<string, unknown> = {
        appId,
        apiBaseUrl,
        ...publishing,
        ...(untested ? { state: 'untested', lastTest: null } : {}),
      };
      for (const field of replaced) {
        changes[sealedFields[field]] = box.seal(secrets[field] ?? '', sealContext(account.id, field));
      }
      return this.changed(caller, changes);
    });
    if (written) {
      // The claim carried the sealed secrets for a crash; the record has them now.
      await forgetClaimCarries(OfficialAccountConnectionModel, written.before);
      await this.record(caller, account.id, written.before, 'account.connection-set', '', {
        appId: settings.appId,
        apiBaseUrl: written.changes.apiBaseUrl,
        secretsReplaced: namesOfSecrets(replaced),
        autoPublish: written.changes.autoPublish,
        author: written.changes.author,
        defaultCoverMediaId: written.changes.defaultCoverMediaId,
      });
    }
    return this.view(account.id);
  }

  /**
   * Asks the platform for an access token with the stored settings and records the answer: 已连接, or
   * the platform's reason in Chinese (IP not on the whitelist, wrong AppSecret…). A result is recorded
   * only for the settings it tested.
   */
  async test(caller: ConnectionCaller, accountReference: string): Promise<ConnectionView> {
    const account = await this.account(caller, accountReference);
    const tested = await OfficialAccountConnectionModel.findById(account.id).lean<OfficialAccountConnection>();
    if (!tested || tested.state === 'unset') {
      throw new ConflictError(
        'CONNECTION_NOT_SET',
        `账号“${account.name}”尚未填写公众号连接，请先填写 AppID、AppSecret、Token 和 EncodingAESKey`,
      );
    }
    const outcome = await this.tryToken(tested);
    const now = this.dependencies.clock.now();
    const written = await this.change(account.id, (current) =>
      settingsOf(current) === settingsOf(tested)
        ? {
            state: outcome.ok ? 'connected' : 'failed',
            lastTest: { at: now, ok: outcome.ok, code: outcome.code, message: outcome.message },
          }
        : null,
    );
    if (written) {
      await this.record(caller, account.id, written.before, 'account.connection-tested', outcome.message, {
        appId: tested.appId,
        ok: outcome.ok,
        code: outcome.code,
      });
    }
    return this.view(account.id);
  }

  /** Removes the settings and the sealed secrets; publishing and checking pushes stop for the account. */
  async remove(caller: ConnectionCaller, accountReference: string): Promise<ConnectionView> {
    const account = await this.account(caller, accountReference);
    if (await OfficialAccountConnectionModel.exists({ _id: account.id })) {
      const written = await this.change(account.id, (record) =>
        record.state === 'unset'
          ? null
          : this.changed(caller, {
              appId: '',
              apiBaseUrl: '',
              sealedAppSecret: '',
              sealedToken: '',
              sealedEncodingAesKey: '',
              state: 'unset',
              lastTest: null,
            }),
      );
      if (written) {
        await this.record(caller, account.id, written.before, 'account.connection-removed', '', {
          appId: written.before.appId,
        });
      }
    }
    return this.view(account.id);
  }

  /** Port for the push endpoint: the account's push secrets, or null when it is not connected. */
  async pushSecrets(accountId: string): Promise<PushSecrets | null> {
    const record = await this.connected(accountId);
    if (!record) return null;
    try {
      const box = this.secretBox();
      return {
        appId: record.appId,
        token: box.open(record.sealedToken, sealContext(accountId, 'token')),
        encodingAesKey: box.open(record.sealedEncodingAesKey, sealContext(accountId, 'encodingAesKey')),
      };
    } catch (error) {
      if (!(error instanceof SecretUnreadableError)) throw error;
      // Its pushes are refused until an admin enters the secrets again; the reason is for the operator.
      this.dependencies.logger?.error({ accountId, code: error.code }, 'stored push secrets cannot be opened');
      return null;
    }
  }

  /**
   * Port for publishing: a client with the account's settings (the same one while they stay the same,
   * so its access token is reused), or null when the account is not connected. Throws
   * SecretUnreadableError when the stored AppSecret cannot be opened.
   */
  async clientFor(accountId: string): Promise<OfficialAccountClient | null> {
    const record = await this.connected(accountId);
    if (!record) return null;
    const settings = settingsOf(record);
    const cached = this.clients.get(accountId);
    if (cached?.settings === settings) return cached.client;
    const client = this.clientOf(record);
    this.clients.set(accountId, { settings, client });
    return client;
  }

  /**
   * Port for publishing: the account's client (see clientFor) with its publishing settings; null when
   * the account is not connected.
   */
  async publishingConnection(accountId: string): Promise<PublishingConnection | null> {
    const record = await this.connected(accountId);
    const client = record ? await this.clientFor(accountId) : null;
    if (!record || !client) return null;
    return {
      platform: client,
      autoPublish: record.autoPublish ?? false,
      author: record.author ?? '',
      defaultCoverMediaId: record.defaultCoverMediaId || null,
    };
  }

  private clientOf(record: OfficialAccountConnection): OfficialAccountClient {
    const appSecret = this.secretBox().open(record.sealedAppSecret, sealContext(String(record._id), 'appSecret'));
    return this.dependencies.createClient({ apiBaseUrl: record.apiBaseUrl, appId: record.appId, appSecret });
  }

  private async tryToken(record: OfficialAccountConnection): Promise<{ ok: boolean; code: string; message: string }> {
    try {
      // A fresh client: the test is of the settings, not of a token cached earlier.
      await this.clientOf(record).stableToken();
      return { ok: true, code: 'OK', message: '已连接：公众号接口已接受本服务器的请求' };
    } catch (error) {
      if (error instanceof OfficialAccountApiError) {
        return { ok: false, code: error.errcode === null ? error.code : String(error.errcode), message: error.message };
      }
      if (error instanceof SecretUnreadableError) return { ok: false, code: error.code, message: error.message };
      throw error;
    }
  }

  private async connected(accountId: string): Promise<OfficialAccountConnection | null> {
    if (!isObjectIdText(accountId)) return null;
    const record = await OfficialAccountConnectionModel.findById(accountId).lean<OfficialAccountConnection>();
    return record && record.state !== 'unset' ? record : null;
  }

  private account(caller: ConnectionCaller, reference: string): Promise<ConnectableAccount> {
    return caller.kind === 'admin'
      ? this.dependencies.accounts.findForAdminChange({ personId: caller.personId, via: 'api' }, reference)
      : this.dependencies.accounts.findForOperator(reference);
  }

  private secretBox(): SecretBox {
    this.box ??= createSecretBox(this.dependencies.secretKey());
    return this.box;
  }

  /** The first change of an account's connection starts from an empty record, made once by a unique insert. */
  private async ensureRecord(accountId: string): Promise<void> {
    if (await OfficialAccountConnectionModel.exists({ _id: accountId })) return;
    try {
      await OfficialAccountConnectionModel.create({ _id: accountId });
    } catch (error) {
      if (!isUniqueConflict(error)) throw error;
    }
  }

  private changed(caller: ConnectionCaller, changes: Record<string, unknown>): Record<string, unknown> {
    return { ...changes, changedAt: this.dependencies.clock.now(), changedById: caller.personId };
  }

  /**
   * Load, decide, claim and write (shared/claimed-write.ts); answers the record as it was before the
   * change and the fields written, or null when `decide` changed nothing.
   */
  private change(
    accountId: string,
    decide: (record: OfficialAccountConnection) => Record<string, unknown> | null,
  ): Promise<{ before: OfficialAccountConnection; changes: Record<string, unknown> } | null> {
    const target = OfficialAccountConnectionModel;
    return changeRecordAnswering<OfficialAccountConnection, FieldChanges, FieldChanges, ReturnType<typeof written>>(
      {
        ledger: revisionClaims(target),
        clock: this.dependencies.clock,
        load: async () => {
          const record = await target.findById(accountId).lean<OfficialAccountConnection>();
          // Callers change only a record they found (or made): it is never deleted.
          if (!record) throw new Error(`connection record of account ${accountId} is missing`);
          return record;
        },
        decide: (record) => {
          const changes = decide(record);
          return changes ? { changes } : null;
        },
        write: (record, { changes }, held, now) => writeAtRevision(target, record, changes, held, now),
        complete: (record, { changes }, now) => writeAtRevision(target, record, changes, unknownClaim, now),
        busy: () => new ConflictError('CONNECTION_BUSY', '该账号的公众号连接正在被他人修改，请稍后再试'),
      },
      written,
    );
  }

  private async record(
    caller: ConnectionCaller,
    accountId: string,
    before: OfficialAccountConnection,
    action: string,
    reason: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.dependencies.audit.append({
      key: `account:${accountId}:connection:r${before.revision}`,
      actor: { personId: caller.personId, via: caller.kind === 'admin' ? 'api' : 'cli' },
      action,
      subject: { type: 'account', id: accountId },
      reason,
      details,
    });
  }

  private async view(accountId: string): Promise<ConnectionView> {
    const record = await OfficialAccountConnectionModel.findById(accountId).lean<OfficialAccountConnection>();
    const facts = record ? factsOf(record) : unsetConnection;
    const byId = facts.changedById;
    const changedBy = byId
      ? { id: byId, name: (await this.dependencies.people.findPeople([byId])).get(byId)?.name ?? '' }
      : null;
    return toConnectionView(accountId, facts, changedBy);
  }
}

function written(before: OfficialAccountConnection, intent: FieldChanges | null) {
  return intent ? { before, changes: intent.changes } : null;
}

/** Binds a sealed value to its account and field: copied elsewhere, it does not open. */
function sealContext(accountId: string, field: SecretField): string {
  return `official-account-connection:${accountId}:${field}`;
}

/** What a test or a client depends on: a change of any of these makes an earlier result stale. */
function settingsOf(record: OfficialAccountConnection): string {
  return JSON.stringify([record.appId, record.apiBaseUrl, record.sealedAppSecret]);
}

function factsOf(record: OfficialAccountConnection): ConnectionFacts {
  return {
    appId: record.appId,
    apiBaseUrl: record.apiBaseUrl,
    secretsSet: {
      appSecret: record.sealedAppSecret !== '',
      token: record.sealedToken !== '',
      encodingAesKey: record.sealedEncodingAesKey !== '',
    },
    state: record.state,
    autoPublish: record.autoPublish ?? false,
    author: record.author ?? '',
    defaultCoverMediaId: record.defaultCoverMediaId ?? '',
    lastTest: record.lastTest
      ? { at: record.lastTest.at, ok: record.lastTest.ok, message: record.lastTest.message }
      : null,
    changedAt: record.changedAt,
    changedById: record.changedById ? String(record.changedById) : null,
  };
}
