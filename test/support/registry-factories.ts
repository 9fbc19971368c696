/**
 * The registry's test wiring: accounts opened the way admins open them (application, approval, filing)
 * through the services, on the sample organisation.
 */
import type { Services } from '../../src/services';
import type { AccountPlatform } from '../../src/accounts/account-model';
import { OutboxMessageModel } from '../../src/outbox/outbox-message-model';
import { personId, unitId } from './people-factories';

export interface OpenAccountOptions {
  unit: string;
  name: string;
  platform?: AccountPlatform;
  leader: string;
  admin: string;
  openedOn?: string;
  /** File the opening too (default true). */
  filed?: boolean;
}

/** The acting admin of the sample organisation (李静, admin of the whole county). */
export async function countyAdmin() {
  return { personId: await personId('李静'), via: 'test' };
}

export async function openAccount(services: Pick<Services, 'accounts'>, options: OpenAccountOptions) {
  const actor = await countyAdmin();
  const applied = await services.accounts.apply(actor, {
    unitId: await unitId(`某县人民政府/${options.unit}`),
    platform: options.platform ?? 'wechat-official-account',
    name: options.name,
    purpose: '发布本单位政务信息',
    scope: '本单位职能范围内的政务信息',
    leaderInChargeId: await personId(options.leader),
    backendAdminId: await personId(options.admin),
    backendAdminPhone: '0571-88886666',
    openedOn: options.openedOn ?? '2026-03-01',
  });
  const approved = await services.accounts.decideOpening(actor, String(applied._id), {
    decision: 'approve',
    reason: '',
    documentNumber: '县政办〔2026〕1号',
  });
  if (options.filed === false) return approved;
  return services.accounts.fileOpening(actor, String(applied._id), '材料齐全');
}

/** The outbox messages whose idempotency key starts with `prefix`, keys sorted. */
export async function outboxKeys(prefix: string): Promise<string[]> {
  const messages = await OutboxMessageModel.find(
    { idempotencyKey: new RegExp(`^${prefix}`) },
    { idempotencyKey: 1 },
  ).lean();
  return messages.map((message) => message.idempotencyKey).sort();
}

export async function outboxTexts(prefix: string): Promise<string[]> {
  const messages = await OutboxMessageModel.find({ idempotencyKey: new RegExp(`^${prefix}`) }, { text: 1 }).lean();
  return messages.map((message) => message.text);
}
