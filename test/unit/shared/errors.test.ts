import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  refusalError,
} from '../../../src/shared/errors';
import type { AppError, RefusalKind } from '../../../src/shared/errors';

describe('a refusal becomes the error of its kind', () => {
  test.each<[RefusalKind, number, typeof AppError]>([
    ['not-found', 404, NotFoundError],
    ['forbidden', 403, ForbiddenError],
    ['conflict', 409, ConflictError],
    ['invalid', 400, ValidationError],
  ])(
    'when a refusal of kind %s is thrown, then its error has status %i, its class, code and message',
    (kind, status, type) => {
      const error = refusalError({ kind, code: 'SOME_CODE', message: '请先完成上一步' });
      expect(error).toBeInstanceOf(type);
      expect(error).toMatchObject({ code: 'SOME_CODE', message: '请先完成上一步', status, expose: true });
    },
  );

  test('when the code ends in _REQUIRED but the kind is conflict, then the kind decides', () => {
    expect(refusalError({ kind: 'conflict', code: 'REASON_REQUIRED', message: '须写明理由' }).status).toBe(409);
  });
});
