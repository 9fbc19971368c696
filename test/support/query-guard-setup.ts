/**
 * Runs in every integration test file (jest `setupFilesAfterEnv`): records each query the
 * application sends through mongoose, with its call site, and fails the test during which a query
 * that no declared index serves was sent (src/shared/query-guard.ts). Queries a test sends itself to
 * look at the database are not the application's and are not checked. What was recorded is written
 * to .query-log/ for `npm run db:queries`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { describeUnservedQueries, extractQueries, judgeQuery, shapeKey } from '../../src/shared/query-guard';
import type { RecordedQuery } from '../../src/shared/query-guard';

const root = path.resolve(__dirname, '..', '..');
export const queryLogDirectory = path.join(root, '.query-log');

/** Where application code lives; a test can add a file of its own (see query-guard.test.ts). */
const sourcePaths = ['src/', 'bot/', 'scripts/'];
const applicationPaths = [...sourcePaths];
const guardFiles = ['src/shared/query-guard.ts', 'test/support/query-guard-setup.ts'];

const recorded = new Map<string, RecordedQuery>();
let unserved: { query: RecordedQuery; reason: string; suggestion: string }[] = [];

/** Counts the file as application code for this test file (for the test that shows the guard failing). */
export function treatAsApplication(file: string): void {
  applicationPaths.push(path.relative(root, file));
}

/** Hands over the failures recorded so far and clears them, so a test that expects one can look at it. */
export function takeUnservedQueries(): typeof unserved {
  const taken = unserved;
  unserved = [];
  return taken;
}

/**
 * The innermost application frame, with the one that called it when there is one ("a ← b"): a query
 * sent by shared code (the revision guard) is then traced to the feature. Null when the query comes
 * from a test itself (a test looking at the database is not the application).
 */
function callSiteOf(stack: string): string | null {
  const frames: string[] = [];
  for (const line of stack.split('\n').slice(1)) {
    const match = /at (?:async )?(?:(.*?) \()?(\/[^():]+):(\d+):\d+\)?$/.exec(line.trim());
    if (!match) continue;
    const file = path.relative(root, match[2]);
    if (file.startsWith('..') || file.includes('node_modules') || guardFiles.includes(file)) continue;
    if (!applicationPaths.some((prefix) => file.startsWith(prefix))) break;
    frames.push(`${file}:${match[3]}${match[1] ? ` (${match[1]})` : ''}`);
    if (frames.length === 2) break;
  }
  return frames.length > 0 ? frames.join(' ← ') : null;
}

function record(collection: string, operation: string, ...args: unknown[]): void {
  const queries = extractQueries(collection, operation, args);
  if (queries.length === 0) return;
  const site = callSiteOf(new Error().stack ?? '');
  if (!site) return;
  for (const query of queries) {
    const key = shapeKey(query);
    const known = recorded.get(key);
    if (known) {
      known.count += 1;
      if (!known.callSites.includes(site)) known.callSites.push(site);
      continue;
    }
    const entry: RecordedQuery = { ...query, callSites: [site], count: 1 };
    recorded.set(key, entry);
    const verdict = judgeQuery(query);
    if (!verdict.served && 'reason' in verdict) {
      unserved.push({ query: entry, reason: verdict.reason, suggestion: verdict.suggestion });
    }
  }
}

mongoose.set('debug', record);

function failOnUnserved(): void {
  const found = takeUnservedQueries();
  if (found.length > 0) throw new Error(describeUnservedQueries(found));
}

afterEach(failOnUnserved);

afterAll(() => {
  const testPath = expect.getState().testPath ?? 'unknown';
  // Only the application's own queries, not those of files a test marked as application code.
  const fromSources = [...recorded.values()].filter((query) =>
    query.callSites.some((site) => sourcePaths.some((prefix) => site.startsWith(prefix))),
  );
  if (fromSources.length > 0) {
    fs.mkdirSync(queryLogDirectory, { recursive: true });
    const name = `${path.basename(testPath)}-${createHash('sha256').update(testPath).digest('hex').slice(0, 8)}.json`;
    fs.writeFileSync(path.join(queryLogDirectory, name), JSON.stringify(fromSources, null, 1));
  }
  failOnUnserved();
});
