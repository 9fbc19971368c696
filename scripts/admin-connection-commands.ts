/**
 * The admin CLI's commands for a 微信公众号 account's connection to the platform (R10):
 *
 *   connection <account>                                       shows the connection (never a secret)
 *   connection-set <account> --app-id <AppID> [--api-base-url <URL>]   saves it and tests it
 *   connection-test <account>                                  asks the platform for a token and records the answer
 *   connection-remove <account>                                removes it with its secrets
 *   publishing-set <account> [--auto-publish on|off] [--author <name>] [--cover <image file>]
 *                                                              how approved drafts are published
 *
 * <account> is the account's name or id. connection-set reads the secrets from standard input, one a
 * line: "AppSecret=…", "Token=…", "EncodingAESKey=…" (those left out keep the stored ones), so they
 * appear neither in the shell's history nor in the process list.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConflictError } from '../src/shared/errors';
import type { Services } from '../src/services';
import { connectionSettingsSchema } from '../src/shared/contracts/connections';
import type { ConnectionSettingsBody, ConnectionView } from '../src/shared/contracts/connections';
import { formatWallTime } from '../src/shared/wall-time';

const connectionCommands = ['connection', 'connection-set', 'connection-test', 'connection-remove', 'publishing-set'];

export const connectionUsage =
  ' | connection <账号> | connection-set <账号> --app-id <AppID> [--api-base-url <地址>]（密钥从标准输入读取）' +
  ' | connection-test <账号> | connection-remove <账号>' +
  ' | publishing-set <账号> [--auto-publish on|off] [--author <作者>] [--cover <封面图片文件>]';

type Task = (services: Services, byId: string | null) => Promise<string>;

export interface ConnectionOptions {
  appId?: string;
  apiBaseUrl?: string;
  autoPublish?: string;
  author?: string;
  cover?: string;
  timeZone: string;
}

const secretKeys: Record<string, 'appSecret' | 'token' | 'encodingAesKey'> = {
  appsecret: 'appSecret',
  token: 'token',
  encodingaeskey: 'encodingAesKey',
};

/**
 * The task of a connection command; `readInput` gives standard input (read before the database is
 * opened, so a bad line stops the command first).
 */
export async function connectionTask(
  command: string,
  args: string[],
  options: ConnectionOptions,
  readInput: () => Promise<string>,
  usageError: (problem: string) => Error,
): Promise<Task> {
  if (args.length !== 1) throw usageError(`${command} 需要一个账号（名称或编号）`);
  const [account] = args;
  const operator = (byId: string | null) => ({ kind: 'operator' as const, personId: byId });
  /** The connection as the command leaves it, under the account's registered name. */
  const describe = async ({ accounts }: Services, view: ConnectionView) =>
    describeConnection(view, (await accounts.findForOperator(account)).name, options.timeZone);
  if (command === 'connection') {
    return async (services, byId) =>
      describe(services, await services.officialAccountConnections.show(operator(byId), account));
  }
  if (command === 'connection-test') {
    return async (services, byId) =>
      describe(services, await services.officialAccountConnections.test(operator(byId), account));
  }
  if (command === 'connection-remove') {
    return async (services, byId) =>
      describe(services, await services.officialAccountConnections.remove(operator(byId), account));
  }
  if (command === 'publishing-set') return publishingTask(account, options, usageError, describe);
  if (!options.appId) throw usageError('connection-set 需要 --app-id <AppID>');
  const settings = parseSettings(
    { appId: options.appId, apiBaseUrl: options.apiBaseUrl, ...parseSecretLines(await readInput(), usageError) },
    usageError,
  );
  return async (services, byId) => {
    await services.officialAccountConnections.set(operator(byId), account, settings);
    const tested = await services.officialAccountConnections.test(operator(byId), account);
    return `已保存并测试。${await describe(services, tested)}`;
  };
}

/**
 * publishing-set: automatic publishing, the articles' author and the default cover (an image file,
 * uploaded to the platform as a permanent material), each left as it is when not given.
 */
function publishingTask(
  account: string,
  options: ConnectionOptions,
  usageError: (problem: string) => Error,
  describe: (services: Services, view: ConnectionView) => Promise<string>,
): Task {
  const { autoPublish, author, cover } = options;
  if (autoPublish === undefined && author === undefined && cover === undefined) {
    throw usageError(
      'publishing-set 需要 --auto-publish on|off、--author <作者> 或 --cover <封面图片文件> 中的至少一项',
    );
  }
  if (autoPublish !== undefined && !['on', 'off'].includes(autoPublish)) {
    throw usageError('--auto-publish 应为 on（审核通过后自动发布）或 off（发送“发布 编号”发布）');
  }
  // Read before the database is opened, so a missing file stops the command first.
  const coverImage = cover === undefined ? null : readCover(cover, usageError);
  return async (services, byId) => {
    const caller = { kind: 'operator' as const, personId: byId };
    const connections = services.officialAccountConnections;
    const current = await connections.show(caller, account);
    if (current.state === 'unset') {
      throw new ConflictError('CONNECTION_NOT_SET', '该账号尚未连接公众号，请先用 connection-set 填写 AppID 和密钥');
    }
    let defaultCoverMediaId: string | undefined;
    if (coverImage) {
      const client = await connections.clientFor(current.accountId);
      if (!client) throw new ConflictError('CONNECTION_NOT_SET', '该账号的公众号连接不完整，无法上传封面');
      defaultCoverMediaId = await client.addPermanentImage(coverImage.bytes, coverImage.name);
    }
    const settings = parseSettings(
      {
        appId: current.appId,
        apiBaseUrl: current.apiBaseUrl,
        ...(autoPublish === undefined ? {} : { autoPublish: autoPublish === 'on' }),
        ...(author === undefined ? {} : { author }),
        ...(defaultCoverMediaId === undefined ? {} : { defaultCoverMediaId }),
      },
      usageError,
    );
    return `已保存发布设置。${await describe(services, await connections.set(caller, account, settings))}`;
  };
}

function readCover(file: string, usageError: (problem: string) => Error): { bytes: Buffer; name: string } {
  try {
    return { bytes: fs.readFileSync(file), name: path.basename(file) };
  } catch {
    throw usageError(`读不到封面图片文件 ${file}`);
  }
}

/** "AppSecret=…" lines into settings; blank lines and "#" comments are skipped. */
function parseSecretLines(input: string, usageError: (problem: string) => Error): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const [index, line] of input.split(/\r?\n/).entries()) {
    const text = line.trim();
    if (!text || text.startsWith('#')) continue;
    const match = /^([A-Za-z]+)\s*[=:：]\s*(\S+)$/.exec(text);
    const key = match ? secretKeys[match[1].toLowerCase()] : undefined;
    // The line is not echoed: it may hold a secret.
    if (!match || !key) {
      throw usageError(`标准输入第 ${index + 1} 行应为 AppSecret=…、Token=… 或 EncodingAESKey=…`);
    }
    secrets[key] = match[2];
  }
  return secrets;
}

function parseSettings(input: object, usageError: (problem: string) => Error): ConnectionSettingsBody {
  const parsed = connectionSettingsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw usageError(parsed.error.issues[0].message);
}

/** The connection in a few Chinese lines; the secrets only as set or not. */
export function describeConnection(view: ConnectionView, accountName: string, timeZone: string): string {
  const set = (value: boolean) => (value ? '已填写（不显示）' : '未填写');
  if (view.state === 'unset') {
    return `账号“${accountName}”的公众号连接：${view.stateText}（没有保存的 AppID 和密钥）。`;
  }
  const lines = [
    `账号“${accountName}”的公众号连接：${view.stateText}`,
    `AppID：${view.appId}`,
    `接口地址：${view.apiBaseUrl}`,
    `AppSecret：${set(view.secretsSet.appSecret)}；Token：${set(view.secretsSet.token)}；EncodingAESKey：${set(view.secretsSet.encodingAesKey)}`,
    `服务器地址(URL)：<本系统对外地址>${view.pushPath}`,
    `发布方式：${view.autoPublish ? '审核通过后自动发布' : '审核通过后发送“发布 编号”发布'}；作者：${view.author || '未设置'}；默认封面：${view.defaultCoverMediaId ? '已设置' : '未设置（稿件没有图片时无法发布）'}`,
  ];
  if (view.lastTest) {
    lines.push(`最近测试（${formatWallTime(new Date(view.lastTest.at), timeZone)}）：${view.lastTest.message}`);
  }
  return lines.join('\n');
}

/** Standard input to its end; on a terminal, first a line saying what to type. */
export async function readStandardInput(): Promise<string> {
  if (process.stdin.isTTY) {
    process.stderr.write('逐行输入要填写或更改的密钥：AppSecret=…、Token=…、EncodingAESKey=…，输入完毕按 Ctrl-D\n');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function isConnectionCommand(command: string | undefined): boolean {
  return connectionCommands.includes(command ?? '');
}
