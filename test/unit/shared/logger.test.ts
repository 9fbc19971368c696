import { Writable } from 'node:stream';
import { createLogger, maskUri } from '../../../src/shared/logger';

describe('logger', () => {
  test('when a URI carries a password, then the masked form hides only the password', () => {
    expect(maskUri('mongodb://shenfa:p%40ss@db.example:27017/shenfa?replicaSet=rs0')).toBe(
      'mongodb://shenfa:****@db.example:27017/shenfa?replicaSet=rs0',
    );
    expect(maskUri('mongodb://127.0.0.1:27017/shenfa')).toBe('mongodb://127.0.0.1:27017/shenfa');
  });

  test('when a log line carries a secret, then it is redacted in the JSON output', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    createLogger('info', sink).info({ auth: { jwtSecret: 'do-not-print' }, token: 'abc' }, 'started');
    expect(lines.join('')).not.toContain('do-not-print');
    expect(JSON.parse(lines[0])).toMatchObject({
      msg: 'started',
      token: '[redacted]',
      auth: { jwtSecret: '[redacted]' },
    });
  });
});
