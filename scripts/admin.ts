/**
 * `npm run admin -- <command>` — the managing office's tasks from the command line:
 *
 *   import <file.json|file.csv>                     imports units, people and approval routes
 *   bind-code <person>                              a one-time code with which the person binds their chat identity
 *   delegate <person> <delegate> <from> <until>     the delegate decides for the person during a leave
 *   api-token <admin>                               a token with which an admin calls the API (/api/v1)
 *   revoke-tokens <person>                          ends every API token and mini-program login of the person
 *   calendar                                        the working-day calendar: missing years and local overrides
 *   calendar-set <date> 休息|上班 [name]             makes a day a local holiday or working day
 *   calendar-remove <date>                          removes a local override (the official calendar applies)
 *   unbind <person>                                 releases the person's chat identities and ends their API sessions
 *   remove-route <unit> [account]                   removes the unit's (or one account's) approval route
 *   cancel-delegation <person>                      ends the person's current and planned delegations now
 *   connection, connection-set, connection-test, connection-remove <account>
 *                                                   a 微信公众号 account's connection (admin-connection-commands.ts)
 *   sweep [account]                                 checks what connected 公众号 published against the approvals
 *   report <account|unit> [date]                    the 考核自查 report of a unit (its full name) or an account
 *
 * <person> is a person's code (编码), a name only one person has, or an id. Dates are read in the
 * configured time zone: "2026-12-01" (a date alone: from its start; as <until>, through its end) or
 * "2026-12-01T09:00". `--by <person>` names the admin acting, for the audit trail. Prints a Chinese
 * summary and exits 0, or one line naming the problem and exits non-zero.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/shared/config';
import { openDatabase } from '../src/shared/database';
import '../src/models';
import { systemClock } from '../src/shared/clock';
import { ValidationError } from '../src/shared/errors';
import type { PeopleService } from '../src/people/people-service';
import { formatWallTime, parseWallTime } from '../src/shared/wall-time';
import type { OrganizationFileFormat } from '../src/people/organization-import-rules';
import { createAccessTokens } from '../src/api/access-tokens';
import { endSessionsOf, startCliSession } from '../src/auth/session-service';
import { runCommand } from './run-command';
import { connectionTask, connectionUsage, isConnectionCommand, readStandardInput } from './admin-connection-commands';
import { readinessReportText, reportUsage } from './admin-report-command';

import { describeUnbind } from '../src/people/unbind-person';
import { createServices, serviceOptionsFrom } from '../src/services';
import type { Services } from '../src/services';
import pino from 'pino';
import { createLogger } from '../src/shared/logger';
import { UnitModel } from '../src/people/unit-model';
import { ApprovalRouteModel } from '../src/people/approval-route-model';
const usage =
  '用法：npm run admin -- import <组织架构文件.json|.csv> | bind-code <人员> | delegate <人员> <代理人> <开始日期> <结束日期> | api-token <管理员>' +
  ' | revoke-tokens <人员> | unbind <人员> | remove-route <单位> [账号] | cancel-delegation <人员>' +
  ' | calendar | calendar-set <日期> 休息|上班 [名称] | calendar-remove <日期>' +
  connectionUsage +
  ' | sweep [账号]' +
  reportUsage +
  '  [--by <操作管理员>]';

const overrideKindWords: Record<string, string> = {
  休息: 'holiday',
  放假: 'holiday',
  holiday: 'holiday',
  上班: 'workday',
  工作日: 'workday',
  workday: 'workday',
};

const usageError = (problem: string) => new ValidationError('ADMIN_USAGE', `${problem}。${usage}`);

runCommand(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      by: { type: 'string' },
      'app-id': { type: 'string' },
      'api-base-url': { type: 'string' },
      'auto-publish': { type: 'string' },
      author: { type: 'string' },
      cover: { type: 'string' },
    },
  });
  const [command, ...args] = positionals;
  const config = loadConfig();
  const timeZone = config.timeZone;
  const zoneLabel = timeZone === 'Asia/Shanghai' ? '北京时间' : timeZone;
  // Logs go to stderr: stdout is the command's answer, which scripts may read. Errors only unless asked:
  // the audit head hint's warning on FerretDB (see audit-chain-head.ts) is the server's to report.
  const logger = createLogger(process.env.LOG_LEVEL ?? 'error', pino.destination(2));

  // Everything that can be checked without the database is checked first.
  let task: (services: Services, byId: string | null) => Promise<string>;
  if (command === 'import') {
    if (args.length !== 1) throw usageError('import 需要一个文件');
    const file = args[0];
    const format = formatOf(file);
    if (!fs.existsSync(file)) throw usageError(`找不到文件 ${file}`);
    const content = fs.readFileSync(file, 'utf8');
    task = async ({ organization }, byId) => {
      const summary = await organization.importOrganization(content, format, { byId, via: 'cli' });
      return (
        `导入完成：单位 ${summary.units} 个，人员 ${summary.people} 人，审核路由 ${summary.routes} 条；` +
        `本次新建 ${summary.created} 条记录，更新 ${summary.updated} 条。`
      );
    };
  } else if (command === 'bind-code') {
    if (args.length !== 1) throw usageError('bind-code 需要一位人员');
    task = async ({ people }, byId) => {
      const { code, expiresAt, person } = await people.createBindCode(args[0], { byId, via: 'cli' });
      const title = person.title ? `，${person.title}` : '';
      return [
        `绑定码：${code}（${person.name}${title}）`,
        `有效期至 ${formatWallTime(expiresAt, timeZone)}（${zoneLabel}），只能使用一次；此前未使用的绑定码已作废。`,
        `请本人在工作群私聊机器人发送：绑定 ${code}`,
      ].join('\n');
    };
  } else if (command === 'delegate') {
    if (args.length !== 4) throw usageError('delegate 需要：人员、代理人、开始日期、结束日期');
    const [personReference, delegateReference, fromText, untilText] = args;
    const from = parseWallTime(fromText, timeZone);
    const until = parseWallTime(untilText, timeZone, { endOfDay: true });
    if (!from) throw usageError(`开始日期“${fromText}”无法识别，应形如 2026-12-01 或 2026-12-01T09:00`);
    if (!until) throw usageError(`结束日期“${untilText}”无法识别，应形如 2026-12-07 或 2026-12-07T18:00`);
    task = async ({ people }, byId) => {
      const person = await people.findPersonByReference(personReference);
      const delegate = await people.findPersonByReference(delegateReference);
      await people.setDelegation({
        personId: person.id,
        delegateId: delegate.id,
        from,
        until,
        byId,
        via: 'cli',
      });
      return (
        `已设置代理：${formatWallTime(from, timeZone)} 至 ${formatWallTime(until, timeZone)}（${zoneLabel}），` +
        `${person.name} 的审核事项可由 ${delegate.name} 代为处理。`
      );
    };
  } else if (command === 'api-token') {
    if (args.length !== 1) throw usageError('api-token 需要一位管理员');
    const accessTokens = createAccessTokens(config, systemClock);
    task = async ({ people, audit }, byId) => {
      const person = await people.findPersonByReference(args[0]);
      const admin = await people.findAdmin(person.id);
      if (!admin) throw usageError(`“${person.name}”不是在职的管理员，不能领取接口令牌`);
      const { token, expiresAt, sessionId } = await startCliSession({ clock: systemClock, accessTokens }, admin.id);
      await audit.append({
        actor: { personId: byId, via: 'cli' },
        action: 'admin.api-token-issued',
        subject: { type: 'person', id: admin.id },
        details: { name: admin.name, expiresAt: expiresAt.toISOString(), sessionId },
      });
      return [
        `接口令牌（${admin.name}，有效期至 ${formatWallTime(expiresAt, timeZone)}，${zoneLabel}）：`,
        token,
        '调用 /api/v1 接口时放在请求头：Authorization: Bearer <令牌>。令牌等同登录凭证，请勿外传。',
        `如需提前作废：npm run admin -- revoke-tokens ${args[0]}（同时退出其小程序登录）；解绑此人或取消其管理员角色也会使令牌失效。`,
      ].join('\n');
    };
  } else if (command === 'revoke-tokens') {
    if (args.length !== 1) throw usageError('revoke-tokens 需要一位人员');
    task = async ({ people, audit }, byId) => {
      const person = await people.findPersonByReference(args[0]);
      const ended = await endSessionsOf({ clock: systemClock, audit, logger }, [person.id], 'revoked');
      await audit.append({
        actor: { personId: byId, via: 'cli' },
        action: 'admin.api-tokens-revoked',
        subject: { type: 'person', id: person.id },
        details: { name: person.name, sessions: ended },
      });
      return ended > 0
        ? `已作废 ${person.name} 的 ${ended} 个登录（接口令牌与小程序登录）：持有者须重新领取令牌或重新登录。`
        : `${person.name} 没有有效的接口令牌或小程序登录。`;
    };
  } else if (command === 'calendar') {
    task = async (services) => {
      const [status, overrides] = await Promise.all([services.calendar.status(), services.calendar.listOverrides()]);
      const lines = overrides.map(
        (override) => `${override.date} ${override.kind === 'holiday' ? '休息' : '上班'} ${override.name}`,
      );
      return [
        status.message || `节假日数据完整（今天 ${status.today}）。`,
        lines.length > 0 ? `本地设置（${lines.length} 天）：\n${lines.join('\n')}` : '没有本地设置。',
      ].join('\n');
    };
  } else if (command === 'calendar-set') {
    if (args.length < 2 || args.length > 3) throw usageError('calendar-set 需要：日期、休息或上班、可选名称');
    const [date, kindWord, name] = args;
    const kind = overrideKindWords[kindWord];
    if (!kind) throw usageError(`“${kindWord}”应为“休息”或“上班”`);
    task = async ({ calendar }, byId) => {
      const set = await calendar.setOverride({ personId: byId, via: 'cli' }, { date, kind, name });
      return `已设置：${set.date} ${set.kind === 'holiday' ? '休息' : '上班'}（${set.name}），对全部单位的提醒和催办生效。`;
    };
  } else if (command === 'calendar-remove') {
    if (args.length !== 1) throw usageError('calendar-remove 需要一个日期');
    task = async ({ calendar }, byId) => {
      await calendar.removeOverride({ personId: byId, via: 'cli' }, args[0]);
      return `已删除 ${args[0]} 的本地设置，按官方日历执行。`;
    };
  } else if (command === 'unbind') {
    if (args.length !== 1) throw usageError('unbind 需要一位人员');
    task = async ({ people, unbinding }, byId) => {
      const person = await people.findPersonByReference(args[0]);
      const result = await unbinding.unbind(person.id, { byId, via: 'cli' });
      return describeUnbind(person.name, result);
    };
  } else if (command === 'remove-route') {
    if (args.length !== 1 && args.length !== 2) throw usageError('remove-route 需要单位名称，可再加账号名称');
    const [unitName, accountReference] = args;
    task = async ({ people, accounts }, byId) => {
      const units = await UnitModel.find({ name: unitName }, { _id: 1 }).lean();
      if (units.length !== 1) {
        throw usageError(units.length ? `有 ${units.length} 个名为“${unitName}”的单位` : `找不到单位“${unitName}”`);
      }
      const unitId = String(units[0]._id);
      const accountId = accountReference ? await accounts.findAccountId(unitId, accountReference) : null;
      if (accountReference && !accountId) throw usageError(`“${unitName}”没有名为“${accountReference}”的账号`);
      const route = await ApprovalRouteModel.findOne({ unitId, accountId }, { _id: 1 }).lean();
      const target = accountReference ? `“${unitName}”的账号“${accountReference}”` : `“${unitName}”`;
      if (!route) throw usageError(`${target}没有单独设置的审核路由`);
      await people.removeApprovalRoute(String(route._id), { byId, via: 'cli' });
      const fallback = accountReference ? '该单位的审核路由' : '单位主要负责人审核';
      return `已删除${target}的审核路由；今后新送审的稿件按${fallback}处理，已在审核中的稿件不受影响。`;
    };
  } else if (command === 'cancel-delegation') {
    if (args.length !== 1) throw usageError('cancel-delegation 需要一位人员');
    task = async ({ people }, byId) => {
      const person = await people.findPersonByReference(args[0]);
      const delegations = await people.currentDelegationsOf(person.id);
      if (delegations.length === 0) throw usageError(`${person.name} 当前没有未结束的代理`);
      for (const delegation of delegations) {
        await people.cancelDelegation(String(delegation._id), { byId, via: 'cli' });
      }
      return `已取消 ${person.name} 的 ${delegations.length} 项代理：从现在起，其审核事项不再由他人代为处理。`;
    };
  } else if (isConnectionCommand(command)) {
    task = await connectionTask(
      command,
      args,
      {
        appId: values['app-id'],
        apiBaseUrl: values['api-base-url'],
        autoPublish: values['auto-publish'],
        author: values.author,
        cover: values.cover,
        timeZone,
      },
      readStandardInput,
      usageError,
    );
  } else if (command === 'sweep') {
    if (args.length > 1) throw usageError('sweep 可指定一个账号（名称或编号），不指定则核查全部已连接的公众号');
    task = async ({ accounts, sweeps }) => {
      // The operator holds the server's configuration: any account, by name or id.
      const swept = args[0]
        ? [await sweeps.sweepAccount(String((await accounts.findForOperator(args[0]))._id))]
        : await sweeps.sweepConnected();
      return swept.length > 0 ? swept.map((sweep) => sweep.text).join('\n') : '没有已连接平台接口的公众号。';
    };
  } else if (command === 'report') {
    if (args.length !== 1 && args.length !== 2) throw usageError('report 需要账号名称或单位全称，可再加监测日期');
    task = (services) => readinessReportText(services, args[0], args[1]);
  } else {
    throw usageError(command ? `未知命令“${command}”` : '缺少命令');
  }

  const database = await openDatabase(config);
  // The same services as the running system: an import here, as through the API, ends the sessions of
  // people it marks as left or takes the admin role from, and hands their pending approvals on.
  const services = createServices(serviceOptionsFrom(config, systemClock, logger));
  try {
    // As at start: a command run before the system after an upgrade finds the drafts it hands on.
    await services.drafts.upgradeStorage();
    await services.posts.fillRecentPosts();
    const byId = values.by ? await findAdmin(services.people, values.by) : null;
    const output = await task(services, byId);
    return { code: 0, output };
  } finally {
    await services.audit.settle();
    await database.close();
  }
});

async function findAdmin(people: PeopleService, reference: string): Promise<string> {
  const admin = await people.findPersonByReference(reference);
  if (!admin.roles.includes('admin')) throw usageError(`--by 指定的“${admin.name}”不是管理员`);
  return admin.id;
}

function formatOf(file: string): OrganizationFileFormat {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.csv') return 'csv';
  throw usageError(`无法识别文件类型“${extension || file}”，只支持 .json 或 .csv`);
}
