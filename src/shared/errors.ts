/**
 * One error contract for the whole system: an HTTP status, whether the message may be shown,
 * an UPPER_SNAKE code and a Chinese message a user can act on. The Koa error middleware renders
 * it as `{ error: { code, message } }`; the bot turns the same error into a chat reply.
 */
import { maskUri } from './logger';

export interface AppErrorOptions {
  status?: number;
  expose?: boolean;
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? 500;
    this.expose = options.expose ?? this.status < 500;
    this.details = options.details;
  }
}

export class ValidationError extends AppError {
  constructor(code: string, message: string, options: Omit<AppErrorOptions, 'status'> = {}) {
    super(code, message, { ...options, status: 400 });
  }
}

export class UnauthorizedError extends AppError {
  constructor(code: string, message: string, options: Omit<AppErrorOptions, 'status'> = {}) {
    super(code, message, { ...options, status: 401 });
  }
}

export class ForbiddenError extends AppError {
  constructor(code: string, message: string, options: Omit<AppErrorOptions, 'status'> = {}) {
    super(code, message, { ...options, status: 403 });
  }
}

export class NotFoundError extends AppError {
  constructor(code: string, message: string, options: Omit<AppErrorOptions, 'status'> = {}) {
    super(code, message, { ...options, status: 404 });
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, options: Omit<AppErrorOptions, 'status'> = {}) {
    super(code, message, { ...options, status: 409 });
  }
}

/**
 * What a refusal is, said where it is made (a pure rule, a service): the request names nothing the
 * person may see, is not theirs to make, conflicts with the record as it stands, or is malformed.
 */
export type RefusalKind = 'not-found' | 'forbidden' | 'conflict' | 'invalid';

/** A refusal as a value: its kind, an UPPER_SNAKE code and a Chinese message the person can act on. */
export interface Refusal {
  kind: RefusalKind;
  code: string;
  message: string;
}

const errorOfKind: Record<RefusalKind, typeof NotFoundError> = {
  'not-found': NotFoundError,
  forbidden: ForbiddenError,
  conflict: ConflictError,
  invalid: ValidationError,
};

/** The one mapping from a refusal's kind to its error class (and so its HTTP status). */
export function refusalError(refusal: Refusal): AppError {
  return new errorOfKind[refusal.kind](refusal.code, refusal.message);
}

/** Raised when the database cannot be reached; callers that can wait (the bot's spool) retry on it. */
export class DatabaseUnavailableError extends AppError {
  constructor(message: string, options: Omit<AppErrorOptions, 'status'> = {}) {
    super('DATABASE_UNAVAILABLE', message, { ...options, status: 503, expose: true });
  }
}

/**
 * A chat send the channel held back without handing it over (its platform would drop it silently):
 * the outbox keeps the message for `retryAt` and does not count the attempt.
 */
export class SendDeferredError extends AppError {
  constructor(
    message: string,
    readonly retryAt: Date,
  ) {
    super('CHAT_SEND_DEFERRED', message, { status: 429 });
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** One line for an operator: "[CODE]: message", first line only, passwords in URIs masked. */
export function describeFailure(error: unknown): string {
  const code = isAppError(error) ? error.code : 'UNEXPECTED_ERROR';
  const message = error instanceof Error ? error.message : String(error);
  return `[${code}]: ${maskUri(message.split('\n')[0])}`;
}
