/**
 * The only importer of the `config` package. Reads the merged configuration once, validates it
 * and returns a frozen, typed object; a bad value stops start-up with a message that names the key
 * (and the environment variable that sets it) without echoing secrets.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors';
import { parseTrustedProxies } from './client-address';

const integer = (min: number, max: number) => {
  const message = `must be an integer from ${min} to ${max}`;
  return z.coerce
    .number({ error: message })
    .int({ error: message })
    .min(min, { error: message })
    .max(max, { error: message });
};

const flag = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
  if (['false', '0', 'no', 'off', ''].includes(normalized)) return false;
  return value;
}, z.boolean());

const timeZone = z.string().refine(
  (value) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as Asia/Shanghai' },
);

const configSchema = z.object({
  timeZone,
  dataDir: z.string().min(1),
  http: z.object({
    host: z.string().min(1),
    port: integer(0, 65535),
    bodyLimit: z.string().regex(/^\d+(kb|mb)$/i, 'must look like 100kb or 1mb'),
    /** Origins allowed to call the API from a browser, comma-separated; '' turns CORS off. */
    corsOrigins: z.string(),
    /** Requests per minute per client address to /api/v1/auth/*. */
    authRateLimitPerMinute: integer(1, 100_000),
    /**
     * Reverse proxies whose X-Forwarded-For is believed (addresses and CIDR ranges, comma-separated);
     * '' believes none: the client is the socket's peer (see client-address.ts).
     */
    trustedProxies: z.string().superRefine((value, context) => {
      const parsed = parseTrustedProxies(value);
      if (!parsed.ok) {
        context.addIssue({
          code: 'custom',
          message: `must list IP addresses or CIDR ranges separated by commas, such as 10.0.0.0/8, 127.0.0.1; "${parsed.entry}" is neither`,
        });
      }
    }),
  }),
  database: z.object({
    uri: z.string().refine((value) => value === '' || /^mongodb(\+srv)?:\/\//.test(value), {
      message: 'must start with mongodb:// or mongodb+srv://',
    }),
    serverSelectionTimeoutMs: integer(100, 120_000),
    embedded: z.object({
      ferretdbBinary: z.string().min(1),
      startTimeoutMs: integer(1000, 120_000),
    }),
  }),
  auth: z.object({
    jwtSecret: z.string().refine((value) => value === '' || value.length >= 32, {
      message: 'must be at least 32 characters',
    }),
    jwtTtlSeconds: integer(60, 30 * 24 * 3600),
    /** Mini-program sessions: a short access token, a refresh token rotated on every use. */
    accessTtlSeconds: integer(60, 24 * 3600),
    refreshTtlSeconds: integer(3600, 90 * 24 * 3600),
  }),
  miniProgram: z.object({
    appId: z.string(),
    appSecret: z.string(),
    wechatApiBaseUrl: z.url(),
  }),
  bot: z.object({
    enabled: flag,
    name: z.string().min(1),
    puppet: z.string().min(1),
    puppetToken: z.string(),
    /** The channel's longest message in UTF-8 bytes; 0: the channel's known limit (message-length-rules.ts). */
    maxMessageBytes: integer(0, 20_000),
  }),
  /** The WeCom / 政务微信 self-built app, used when bot.puppet is "wecom-app" (README: 企业微信). */
  wecom: z.object({
    corpId: z.string(),
    agentId: integer(0, 2_147_483_647),
    secret: z.string(),
    token: z.string(),
    encodingAesKey: z.string().refine((value) => value === '' || /^[A-Za-z0-9]{43}$/.test(value), {
      message: 'must be the 43 letters and digits the admin console shows',
    }),
    apiBaseUrl: z.url(),
    callbackPath: z
      .string()
      .regex(/^\/[\w/-]*$/, 'must be a path such as /wecom/callback')
      // The callback is mounted before the API's token check and beside the health routes: a path among
      // them would answer outside the API's rules (issue 21).
      .refine(
        (path) => !/^\/+(api|healthz|readyz)(\/|$)/i.test(path),
        'must not be under /api, /healthz or /readyz; use e.g. /wecom/callback',
      ),
    publicBaseUrl: z.union([z.literal(''), z.url()]),
    approvalCards: flag,
    /** The 智能机器人 for group chats ('' = none): its Bot ID, Secret and, for 政务微信, WebSocket URL. */
    aibotId: z.string(),
    aibotSecret: z.string(),
    aibotWsUrl: z.union([z.literal(''), z.url()]),
  }),
  outbox: z.object({
    perContactIntervalMs: integer(0, 600_000),
    /** 0: no overall limit (see outbox-rules.ts). */
    perMinuteLimit: integer(0, 1_000_000),
    jitterMs: integer(0, 60_000),
    maxAttempts: integer(1, 100),
    retryBaseMs: integer(1, 3_600_000),
  }),
  audit: z.object({
    digestKey: z.string(),
  }),
  /** The platform connector (R10): the key that seals stored platform secrets (publication/connection-secret-key.ts). */
  publication: z.object({
    secretKey: z.string().refine((value) => value === '' || value.length >= 32, {
      message: 'must be at least 32 characters',
    }),
  }),
  registry: z.object({
    filingDeadlineDays: integer(1, 30),
    filingDeadlineUnit: z.enum(['days', 'working-days'], { error: 'must be days or working-days' }),
  }),
  annualReview: z.object({
    // "1,15,25,30" from the environment, a list in the config files.
    reminderDays: z.preprocess(
      (value) => (typeof value === 'string' ? value.split(/[,\s]+/).filter(Boolean) : value),
      z.array(integer(1, 30)).min(1, { error: 'must list at least one November day' }),
    ),
  }),
  reminders: z.object({
    remindAfterWorkingHours: z.coerce.number().positive().max(200),
    escalateAfterWorkingHours: z.coerce.number().positive().max(400),
    workdayStart: z.string().regex(/^\d{1,2}:\d{2}$/, 'must look like 08:30'),
    workdayEnd: z.string().regex(/^\d{1,2}:\d{2}$/, 'must look like 18:00'),
    baselineCounts: z.enum(['calendar-days', 'working-days']),
  }),
  /** Public inquiries (R8): deadlines in working time and the platform's reply limits. */
  inquiries: z.object({
    acknowledgeWorkingHours: z.coerce.number().positive().max(40),
    answerWorkingDays: z.object({
      consultation: integer(1, 15),
      suggestion: integer(1, 15),
      complaint: integer(1, 15),
      other: integer(1, 15),
    }),
    maxWorkingDays: integer(1, 60),
    joinWindowMinutes: integer(0, 1440),
    replyWindowHours: integer(1, 48),
    replyQuota: integer(1, 50),
    windowWarningMinutes: integer(10, 1440),
    autoAcknowledge: z.preprocess((value) => (typeof value === 'string' ? value === 'true' : value), z.boolean()),
    acknowledgementTemplate: z
      .string()
      .min(1)
      .max(300)
      .refine((text) => text.includes('{date}'), {
        error: 'must contain {date}, the promised date',
      }),
    answerApproval: z.preprocess((value) => (typeof value === 'string' ? value === 'true' : value), z.boolean()),
  }),
  /** 考核自查 (R10): the inspection indicator table, a province's variant being another file. */
  readiness: z.object({
    indicatorFile: z.string().min(1),
  }),
  retention: z.object({
    /**
     * Days given reminders and job run records are kept; a reminder that still stops a repeat (an open
     * cadence gap, a draft in review) is kept longer. At least 14: a cadence gap's warnings span 14 days.
     */
    recordDays: integer(14, 3650),
  }),
  log: z.object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    /** json: one JSON object per line (production); pretty: human-readable lines (development). */
    format: z.enum(['json', 'pretty']),
  }),
});

export type AppConfig = Readonly<z.infer<typeof configSchema>> & { readonly environment: string };
export type DatabaseConfig = AppConfig['database'];
export type HttpConfig = AppConfig['http'];
export type OutboxConfig = AppConfig['outbox'];
export type AuthConfig = AppConfig['auth'];
export type WecomConfig = AppConfig['wecom'];

/** Keys whose values are never echoed in an error message. */
const secretKeys = new Set([
  'auth.jwtSecret',
  'miniProgram.appSecret',
  'bot.puppetToken',
  'wecom.secret',
  'wecom.token',
  'wecom.encodingAesKey',
  'wecom.aibotSecret',
  'audit.digestKey',
  'publication.secretKey',
  'database.uri',
]);

export class ConfigError extends AppError {
  constructor(message: string) {
    super('CONFIG_INVALID', message, { status: 500, expose: true });
  }
}

/** Loads and validates the configuration of the current NODE_ENV. Throws ConfigError naming the first bad key. */
export function loadConfig(): AppConfig {
  // `config` reads NODE_CONFIG_DIR and NODE_ENV at require time, so it is required lazily here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeConfig = require('config') as { util: { toObject(): unknown; getEnv(name: string): string | undefined } };
  const raw = nodeConfig.util.toObject();
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.join('.');
    const configDirectory = process.env.NODE_CONFIG_DIR ?? path.join(process.cwd(), 'config');
    const environmentVariable = findEnvironmentVariable(configDirectory, issue.path);
    const source = environmentVariable ? ` (env ${environmentVariable})` : '';
    const value = secretKeys.has(key) ? '' : `, got ${JSON.stringify(readPath(raw, issue.path))}`;
    throw new ConfigError(`config key ${key}${source} is invalid: ${issue.message}${value}`);
  }
  const environment = nodeConfig.util.getEnv('NODE_ENV') ?? 'development';
  const value = parsed.data;
  if (value.bot.enabled && value.bot.puppet === 'wecom-app') checkWecomConfig(value.wecom);
  if (environment === 'production' && value.auth.jwtSecret === '') {
    throw new ConfigError('config key auth.jwtSecret (env JWT_SECRET) must be set in production');
  }
  return deepFreeze({ ...value, environment });
}

/** The WeCom keys a "wecom-app" bot cannot start without. */
function checkWecomConfig(wecom: WecomConfig): void {
  const required: [keyof WecomConfig, string][] = [
    ['corpId', 'WECOM_CORP_ID'],
    ['secret', 'WECOM_SECRET'],
    ['token', 'WECOM_CALLBACK_TOKEN'],
    ['encodingAesKey', 'WECOM_ENCODING_AES_KEY'],
  ];
  for (const [key, variable] of required) {
    if (!wecom[key])
      throw new ConfigError(`config key wecom.${key} (env ${variable}) must be set for WECHATY_PUPPET=wecom-app`);
  }
  if (!wecom.agentId) {
    throw new ConfigError('config key wecom.agentId (env WECOM_AGENT_ID) must be set for WECHATY_PUPPET=wecom-app');
  }
}

function findEnvironmentVariable(configDirectory: string, keyPath: PropertyKey[]): string | undefined {
  try {
    const file = path.join(configDirectory, 'custom-environment-variables.json');
    const mapping: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    const found = readPath(mapping, keyPath);
    return typeof found === 'string' ? found : undefined;
  } catch {
    return undefined;
  }
}

function readPath(source: unknown, keyPath: PropertyKey[]): unknown {
  let current: unknown = source;
  for (const key of keyPath) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
