/**
 * /api/v1/inquiries/settings (R8), for admins: a unit's own deadlines (they apply to the units below it
 * too) and an account's acknowledgement, each with what is in force. A unit or account outside the
 * admin's units is "not found", like an unknown one.
 */
import { defineRoute } from '../shared/route-kit';
import type { ApiContext, ApiRoute } from '../shared/route-kit';
import { NotFoundError } from '../shared/errors';
import {
  accountInquirySettingsSchema,
  accountInquirySettingsViewSchema,
  inquiryAccountParamsSchema,
  inquiryUnitParamsSchema,
  unitInquirySettingsSchema,
  unitInquirySettingsViewSchema,
} from '../shared/contracts/inquiries';
import type { InquirySettings } from './inquiry-settings';

export interface InquirySettingRouteDependencies {
  settings: Pick<InquirySettings, 'forUnit' | 'forAccount' | 'setForUnit' | 'setForAccount'>;
  accounts: { findAccounts(ids: string[]): Promise<Map<string, { unitId: unknown }>> };
}

export function inquirySettingRoutes(dependencies: InquirySettingRouteDependencies): ApiRoute[] {
  const { settings } = dependencies;
  const actorOf = (ctx: ApiContext) => ({ personId: ctx.state.viewer.id, via: 'api' });
  const unitInScope = (ctx: ApiContext, unitId: string) => {
    if (!ctx.state.viewer.scope.adminUnitIds.includes(unitId)) {
      throw new NotFoundError('UNIT_NOT_FOUND', '找不到该单位，或该单位不在您的管理范围内');
    }
    return unitId;
  };
  const accountInScope = async (ctx: ApiContext, accountId: string) => {
    const account = (await dependencies.accounts.findAccounts([accountId])).get(accountId);
    const unitId = account ? String(account.unitId) : '';
    if (!account || !ctx.state.viewer.scope.adminUnitIds.includes(unitId)) {
      throw new NotFoundError('ACCOUNT_NOT_FOUND', '找不到该账号，或该账号不在您的管理范围内');
    }
    return { id: accountId, unitId };
  };
  return [
    defineRoute({
      method: 'get',
      path: '/inquiries/settings/units/{unitId}',
      summary: '单位的留言答复期限：本单位自设的与实际执行的（未自设的沿用上级单位或系统默认）',
      tag: 'inquiries',
      access: 'admin',
      params: inquiryUnitParamsSchema,
      response: unitInquirySettingsViewSchema,
      handle: async (ctx, { params }) => ({ body: await settings.forUnit(unitInScope(ctx, params.unitId)) }),
    }),
    defineRoute({
      method: 'put',
      path: '/inquiries/settings/units/{unitId}',
      summary: '设置单位的留言答复期限（知晓回复工作小时、各类型答复工作日、最长期限），下级单位随之适用',
      tag: 'inquiries',
      access: 'admin',
      params: inquiryUnitParamsSchema,
      body: unitInquirySettingsSchema,
      response: unitInquirySettingsViewSchema,
      handle: async (ctx, { params, body }) => ({
        body: await settings.setForUnit(actorOf(ctx), unitInScope(ctx, params.unitId), body),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/inquiries/settings/accounts/{accountId}',
      summary: '账号的知晓性回复：是否自动发送、回复内容',
      tag: 'inquiries',
      access: 'admin',
      params: inquiryAccountParamsSchema,
      response: accountInquirySettingsViewSchema,
      handle: async (ctx, { params }) => {
        const account = await accountInScope(ctx, params.accountId);
        return { body: await settings.forAccount(account.unitId, account.id) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/inquiries/settings/accounts/{accountId}',
      summary: '设置账号的知晓性回复：关闭自动发送，或改写内容（须含 {date}，即承诺的答复日期）',
      tag: 'inquiries',
      access: 'admin',
      params: inquiryAccountParamsSchema,
      body: accountInquirySettingsSchema,
      response: accountInquirySettingsViewSchema,
      handle: async (ctx, { params, body }) => ({
        body: await settings.setForAccount(actorOf(ctx), await accountInScope(ctx, params.accountId), body),
      }),
    }),
  ];
}
