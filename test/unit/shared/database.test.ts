import { isUniqueConflict } from '../../../src/shared/database';
import { ConflictError } from '../../../src/shared/errors';

describe('a write refused on a unique key is told apart the same way in both its forms', () => {
  const duplicates = [
    ['MongoDB code 11000', { code: 11000, message: 'E11000 duplicate key error collection: x' }],
    ["FerretDB's SQLite words", { code: 1, message: 'UNIQUE constraint failed: x._id' }],
    ["FerretDB's PostgreSQL words", { code: 1, message: 'duplicate key value violates unique constraint "x"' }],
  ] as const;

  test.each(duplicates)('when the driver reports a duplicate (%s), then it is a unique conflict', (_case, raw) => {
    expect(isUniqueConflict(raw)).toBe(true);
  });

  test.each(duplicates)(
    'when the unique-conflict plugin made a ConflictError of a duplicate (%s), then it is a unique conflict',
    (_case, raw) => {
      expect(isUniqueConflict(new ConflictError('DRAFT_CODE_TAKEN', '编号已被占用', { cause: raw }))).toBe(true);
    },
  );

  test('when a conflict or another error has no duplicate behind it, then it is not a unique conflict', () => {
    expect(isUniqueConflict(new ConflictError('DRAFT_CLOSED', '该稿件已撤回'))).toBe(false);
    expect(isUniqueConflict(new Error('connection reset'))).toBe(false);
    expect(isUniqueConflict(null)).toBe(false);
  });
});
