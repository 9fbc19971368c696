/**
 * The admin CLI's commands for a 微信公众号 account's connection to the platform (R10):
 *
 *   connection <account>                                       shows the connection (never a secret)
 *   connection-set <account> --app-id <AppID> [--api-base-url <URL>]   saves it and tests it
 *   connection-test <account>                                  asks the platform for a token and records the answer
 *   connection-remove <account>                                removes it with its secrets
 *
 * <account> is the account's name or id. connection-set reads the secrets from standard input, one a
 * line: "AppSecret=…", "Token=…", "EncodingAESKey=…" (those left out keep the stored ones), so they
 * appear neither in the shell's history nor in the process list.
 */
import type { Services } from '../src/services';
import { connectionSettingsSchema } from '../src/shared/contracts/connections';
import type { ConnectionSettingsBody, ConnectionView } from '../src/shared/contracts/connections';
import { formatWallTime } from '../src/shared/wall-time';

const connectionCommands = ['connection', 'connection-set', 'connection-test', 'connection-remove'];

export const connectionUsage =
  ' | connection <账号> | connection-set <账号> --app-id <AppID> [--api-base-url <地址>]（密钥从标准输入读取）' +
  ' | connection-test <账号> | connection-remove <账号>';

type Task = (services: Services, byId: string | null) => Promise<string>;

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
  options: { appId?: string; apiBaseUrl?: string; timeZone: string },
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
