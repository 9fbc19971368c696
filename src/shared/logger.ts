/**
 * Structured JSON logging (pino). Every log line that could carry a secret goes through the
 * redaction list; request and chat handlers create child loggers that carry their own id.
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
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'shenfa' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactedPaths, censor: '[redacted]' },
    },
    destination,
  );
}

/** Masks the password of a connection string, so it can be logged or shown. */
export function maskUri(text: string): string {
  return text.replace(/([a-z+]+:\/\/[^:/@\s]+:)([^@\s]*)@/gi, '$1****@');
}
