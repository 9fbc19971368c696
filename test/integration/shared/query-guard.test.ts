/**
 * The query guard itself (test/support/query-guard-setup.ts, src/shared/query-guard.ts): a query
 * added without an index fails the test that sent it, naming the query, its call site and the fix.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { takeUnservedQueries, treatAsApplication } from '../../support/query-guard-setup';
import { findMessagesByText } from './fixtures/unindexed-query';

const root = path.resolve(__dirname, '..', '..', '..');
const fixture = path.join(__dirname, 'fixtures', 'unindexed-query.fixture.ts');

beforeAll(connectTestDatabase);
afterAll(disconnectTestDatabase);

function runJestOn(testFile: string): Promise<{ code: number | null; output: string }> {
  const config = {
    rootDir: root,
    testEnvironment: 'node',
    testMatch: [testFile],
    setupFilesAfterEnv: ['<rootDir>/test/support/query-guard-setup.ts'],
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  };
  const child = spawn(
    process.execPath,
    [require.resolve('jest/bin/jest'), '--config', JSON.stringify(config), '--ci', '--colors=false'],
    { cwd: root, env: { ...process.env } },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('the query guard', () => {
  test('when a test run meets a query that no index serves, then the run fails naming the query, its call site and the index to declare', async () => {
    const run = await runJestOn(fixture);

    expect(run.code).toBe(1);
    expect(run.output).toContain('query guard: 1 query that no declared index serves');
    expect(run.output).toContain('outbox_messages.find({ text: ? }): no index serves it');
    expect(run.output).toMatch(
      /called from test\/integration\/shared\/fixtures\/unindexed-query\.ts:\d+ \(findMessagesByText\)/,
    );
    expect(run.output).toContain('schema.index({ text: 1 })');
    expect(run.output).toContain(
      "src/shared/deliberate-scans.ts: { collection: 'outbox_messages', operation: 'find', filter: '{ text: ? }', reason: '…' }",
    );
  }, 120_000);

  test("when application code sends an unindexed query, then the guard records it; an indexed one and a test's own look pass", async () => {
    treatAsApplication(path.join(__dirname, 'fixtures', 'unindexed-query.ts'));
    await OutboxMessageModel.find({ text: 'a test looking at the database' }).lean();
    await OutboxMessageModel.find({ status: 'pending' }).sort({ notBefore: 1 }).lean();
    expect(takeUnservedQueries()).toEqual([]);

    await findMessagesByText('某条消息');

    const unserved = takeUnservedQueries();
    expect(unserved).toHaveLength(1);
    expect(unserved[0]).toMatchObject({
      query: { collection: 'outbox_messages', operation: 'find', filter: { text: '?' } },
      reason: 'no index serves it',
      suggestion: '{ text: 1 }',
    });
    expect(unserved[0].query.callSites[0]).toMatch(/unindexed-query\.ts:\d+ \(findMessagesByText\)/);
  });
});
