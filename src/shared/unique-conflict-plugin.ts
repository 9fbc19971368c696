/**
 * Makes every write of a model turn a unique-index violation into a ConflictError with the code and
 * Chinese message the model declares, so no caller sees a raw E11000. A schema with several unique
 * indexes names which one by `fields`; when the server does not say which index failed (FerretDB
 * does not), the model's first declared conflict is used only if it has just one.
 */
import type { Schema } from 'mongoose';
import { ConflictError } from './errors';
import { isDuplicateKeyError } from './database';

export interface UniqueConflict {
  /** The fields of the unique index, in index order. */
  fields: string[];
  code: string;
  message: string;
}

const conflictsBySchema = new WeakMap<Schema, UniqueConflict[]>();

const writeOperations = /^(save|insertMany|updateOne|updateMany|findOneAndUpdate|replaceOne|bulkWrite)$/;

/** Declares a unique index and the conflict it raises. */
export function uniqueIndex(schema: Schema, conflict: UniqueConflict): void {
  schema.index(Object.fromEntries(conflict.fields.map((field) => [field, 1])), { unique: true });
  let conflicts = conflictsBySchema.get(schema);
  if (!conflicts) {
    const declared: UniqueConflict[] = (conflicts = []);
    conflictsBySchema.set(schema, declared);
    schema.post(writeOperations, { errorHandler: true }, (error, _result, next) => {
      next(isDuplicateKeyError(error) ? toConflict(declared, error) : error);
    });
  }
  conflicts.push(conflict);
}

/** Keeps the raw error as the cause: isUniqueConflict (database.ts) tells a unique conflict by it. */
function toConflict(conflicts: UniqueConflict[], error: unknown): ConflictError {
  const keyPattern = (error as { keyPattern?: Record<string, unknown> }).keyPattern;
  const message = String((error as { message?: unknown }).message ?? '');
  const named =
    conflicts.find((conflict) => keyPattern && sameFields(Object.keys(keyPattern), conflict.fields)) ??
    conflicts.find((conflict) => message.includes(`${conflict.fields.join('_1_')}_1`)) ??
    (conflicts.length === 1 ? conflicts[0] : undefined);
  if (named) return new ConflictError(named.code, named.message, { cause: error });
  return new ConflictError('DUPLICATE_RECORD', '该记录已存在，请勿重复提交', { cause: error });
}

function sameFields(left: string[], right: string[]): boolean {
  return left.length === right.length && left.every((field, index) => field === right[index]);
}
