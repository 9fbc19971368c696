/**
 * `npm run db:queries` — for reviewers: every query shape the application sent during the last
 * integration test run (recorded in .query-log/ by test/support/query-guard-setup.ts), judged again
 * against the indexes the models declare now, with the index that serves each, its call sites, and
 * the declared indexes no recorded query uses. Exits 1 when a query has no index and is not a listed
 * deliberate scan.
 */
import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { declaredIndexes, judgeQuery, shapeKey } from '../src/shared/query-guard';
import type { RecordedQuery } from '../src/shared/query-guard';
import { describeFilterShape, describeSort } from '../src/shared/query-index-rules';
import '../src/models';
import '../bot/inbound-message-model';
import { runCommand } from './run-command';

const logDirectory = path.resolve(__dirname, '..', '.query-log');

function readRecordedQueries(): RecordedQuery[] {
  const merged = new Map<string, RecordedQuery>();
  for (const file of fs.readdirSync(logDirectory).filter((name) => name.endsWith('.json'))) {
    for (const query of JSON.parse(fs.readFileSync(path.join(logDirectory, file), 'utf8')) as RecordedQuery[]) {
      const key = shapeKey(query);
      const known = merged.get(key);
      if (!known) {
        merged.set(key, { ...query, callSites: [...query.callSites] });
        continue;
      }
      known.count += query.count;
      for (const site of query.callSites) if (!known.callSites.includes(site)) known.callSites.push(site);
    }
  }
  return [...merged.values()].sort((left, right) => shapeKey(left).localeCompare(shapeKey(right)));
}

runCommand(async () => {
  if (!fs.existsSync(logDirectory)) {
    return {
      code: 1,
      output:
        'no queries recorded yet: run the integration tests first (npm test, or npx jest --selectProjects integration)',
    };
  }
  const queries = readRecordedQueries();
  const used = new Set<string>();
  let unserved = 0;
  const rows = queries.map((query) => {
    const verdict = judgeQuery(query, mongoose.connection);
    let index: string;
    if (verdict.served) {
      index = verdict.index;
      for (const name of verdict.index.split(' + ')) used.add(`${query.collection}.${name}`);
    } else if ('deliberate' in verdict) {
      index = `SCAN, deliberate: ${verdict.deliberate.reason}`;
    } else {
      unserved += 1;
      index = `NONE: ${verdict.reason}; declare ${verdict.suggestion}`;
    }
    const sort = describeSort(query.sort);
    return [
      query.collection,
      query.operation,
      `${describeFilterShape(query.filter)}${sort ? ` sort ${sort}` : ''}${query.limited ? ' (limit)' : ''}`,
      index,
      String(query.count),
      query.callSites.join('; '),
    ];
  });
  const unused = [...new Set(queries.map((query) => query.collection))].flatMap((collection) =>
    declaredIndexes(collection, mongoose.connection)
      .filter((index) => index.name !== '_id_' && !used.has(`${collection}.${index.name}`))
      .map((index) => `${collection}.${index.name}`),
  );
  const table = [
    '| collection | operation | query | index | calls | call sites |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`),
  ];
  return {
    code: unserved > 0 ? 1 : 0,
    output: [
      `${queries.length} query shapes recorded by the integration tests; ${unserved} without an index`,
      '',
      ...table,
      '',
      `declared indexes no recorded query used (unique constraints, or queries the tests do not reach): ${unused.join(', ') || 'none'}`,
    ].join('\n'),
  };
});
