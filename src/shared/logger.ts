/**
 * Structured JSON logging (pino). Every log line that could carry a secret goes through the
 * redaction list; request and chat handlers create child loggers that carry their own id. In
 * development the same records are shown as readable lines (pino-pretty); production keeps JSON.
 */
import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger } from 'pino';

export const redactedPaths = [
  'password',
  'secret',
  'token',
  'authorization',
  '*.password',
  '*.secret',
  '*.token',
  '*.jwtSecret',
  '*.appSecret',
  '*.puppetToken',
  '*.digestKey',
  // A platform connection's write-only settings (publication/official-account-connection-service.ts).
  'appSecret',
  'encodingAesKey',
  '*.encodingAesKey',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
];

export type LogFormat = 'json' | 'pretty';

export function createLogger(level: string, destination?: pino.DestinationStream, format: LogFormat = 'json'): Logger {
  return pino(
    {
      level,
      base: { app: 'shenfa' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactedPaths, censor: '[redacted]' },
    },
    destination ?? (format === 'pretty' ? prettyStream() : undefined),
  );
}

/**
 * "12:00:01 INFO: API listening  url=…" lines on stdout, written synchronously so they keep their order
 * with what the program prints itself. pino-pretty is a development dependency: where it is not
 * installed (a production install), the records stay JSON.
 */
function prettyStream(): pino.DestinationStream | undefined {
  try {
    // Loaded on demand, never at import: production installs leave development dependencies out.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require('pino-pretty') as (options: Record<string, unknown>) => pino.DestinationStream;
    return pretty({
      colorize: Boolean(process.stdout.isTTY),
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,app',
      singleLine: true,
      sync: true,
    });
  } catch {
    return undefined;
  }
}

/** Masks the password of a connection string, so it can be logged or shown. */
export function maskUri(text: string): string {
  return text.replace(/([a-z+]+:\/\/[^:/@\s]+:)([^@\s]*)@/gi, '$1****@');
}
