/**
 * The query guard: records the queries the application sends through mongoose and checks each against
 * the indexes the models declare (src/shared/query-index-rules.ts), the way MongoDB's `notablescan`
 * would refuse a collection scan. The integration tests fail on a query no index serves
 * (test/support/query-guard-setup.ts); `npm run db:queries` prints what the tests recorded.
 *
 * Only the shape of a query is kept (values become `?`), so the record holds no personal data and
 * one line stands for every call with the same shape.
 */
import mongoose from 'mongoose';
import { deliberateScans } from './deliberate-scans';
import type { DeliberateScan } from './deliberate-scans';
import { describeFilterShape, describeSort, nameIndex, planQuery, toIndexKeys } from './query-index-rules';
import type { DeclaredIndex, IndexKey, QueryPlan } from './query-index-rules';

export interface QueryShape {
  collection: string;
  operation: string;
  /** The filter with its values replaced by '?'. */
  filter: Record<string, unknown>;
  sort: IndexKey[];
  hint?: string;
  limited: boolean;
}

export interface RecordedQuery extends QueryShape {
  /** "src/outbox/outbox-service.ts:412 (OutboxDelivery.findDue)" for each place that sent it. */
  callSites: string[];
  count: number;
}

export type QueryVerdict = QueryPlan | { served: false; deliberate: DeliberateScan };

const filterFirst = new Set([
  'find',
  'findOne',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'updateOne',
  'updateMany',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'countDocuments',
  'count',
]);

/** The queries in one collection call as mongoose's debug hook sees it; none for writes without a filter. */
export function extractQueries(collection: string, operation: string, args: unknown[]): QueryShape[] {
  if (filterFirst.has(operation)) {
    // (filter, update or replacement, options) for writes that carry a document; (filter, options) otherwise.
    const carriesDocument = /^(update|replace|findOneAndUpdate|findOneAndReplace)/.test(operation);
    const options = (carriesDocument ? args[2] : args[1]) as Record<string, unknown> | undefined;
    return [shapeOf(collection, operation, args[0], options)];
  }
  if (operation === 'distinct') {
    return [shapeOf(collection, operation, args[1], args[2] as Record<string, unknown> | undefined)];
  }
  if (operation === 'aggregate' && Array.isArray(args[0])) {
    const [first, second] = args[0] as Record<string, unknown>[];
    const sort = first?.$match ? second?.$sort : first?.$sort;
    return [shapeOf(collection, operation, first?.$match ?? {}, { sort, limit: 0 })];
  }
  if (operation === 'bulkWrite' && Array.isArray(args[0])) {
    return (args[0] as Record<string, { filter?: unknown }>[]).flatMap((write) => {
      const [kind, body] = Object.entries(write)[0] ?? [];
      return body?.filter && kind ? [shapeOf(collection, kind, body.filter, undefined)] : [];
    });
  }
  return [];
}

function shapeOf(
  collection: string,
  operation: string,
  filter: unknown,
  options: Record<string, unknown> | undefined,
): QueryShape {
  const single = operation.startsWith('findOne') || operation.endsWith('One');
  const hint = options?.hint;
  return {
    collection,
    operation,
    filter: stripValues(filter ?? {}) as Record<string, unknown>,
    sort: toIndexKeys(options?.sort),
    hint: typeof hint === 'string' ? hint : hint ? nameIndex(toIndexKeys(hint)) : undefined,
    limited: single || (typeof options?.limit === 'number' && options.limit > 0),
  };
}

function stripValues(value: unknown): unknown {
  if (value instanceof RegExp) return { $regex: value.source.startsWith('^') ? '^?' : '?' };
  if (Array.isArray(value)) return value.map(stripValues);
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return '?';
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, inner]) => {
      if (key === '$or' || key === '$and' || key === '$nor') return [key, stripValues(inner)];
      if (key === '$regex' && typeof inner === 'string') return [key, inner.startsWith('^') ? '^?' : '?'];
      if (key.startsWith('$')) return [key, '?'];
      const operators =
        typeof inner === 'object' && inner !== null && Object.getPrototypeOf(inner) === Object.prototype;
      return [key, operators || inner instanceof RegExp ? stripValues(inner) : '?'];
    }),
  );
}

/** The indexes the registered models declare for a collection, `_id_` first. */
export function declaredIndexes(collection: string, connection = mongoose.connection): DeclaredIndex[] {
  const indexes: DeclaredIndex[] = [{ name: '_id_', keys: [{ field: '_id', direction: 1 }] }];
  for (const name of connection.modelNames()) {
    const model = connection.model(name);
    if (model.collection.collectionName !== collection) continue;
    for (const [fields] of model.schema.indexes()) {
      const keys = toIndexKeys(fields);
      indexes.push({ name: nameIndex(keys), keys });
    }
  }
  return indexes;
}

/** Whether an index serves the query, or it is a listed deliberate scan, or neither. */
export function judgeQuery(query: QueryShape, connection = mongoose.connection): QueryVerdict {
  const plan = planQuery(query, declaredIndexes(query.collection, connection));
  if (plan.served) return plan;
  const deliberate = deliberateScans.find((scan) => matchesScan(scan, query));
  return deliberate ? { served: false, deliberate } : plan;
}

function matchesScan(scan: DeliberateScan, query: QueryShape): boolean {
  return (
    scan.collection === query.collection &&
    scan.operation === query.operation &&
    scan.filter === describeFilterShape(query.filter) &&
    (scan.sort ?? '') === describeSort(query.sort)
  );
}

/** A key that is the same for every call with the same shape. */
export function shapeKey(query: QueryShape): string {
  return JSON.stringify([query.collection, query.operation, query.filter, query.sort, query.hint, query.limited]);
}

/** What to paste into src/shared/deliberate-scans.ts to accept the query as a deliberate scan. */
export function describeAsScan(query: QueryShape): string {
  const sort = describeSort(query.sort);
  const fields = [
    `collection: '${query.collection}'`,
    `operation: '${query.operation}'`,
    `filter: '${describeFilterShape(query.filter)}'`,
    ...(sort ? [`sort: '${sort}'`] : []),
    `reason: '…'`,
  ];
  return `{ ${fields.join(', ')} }`;
}

/** The message a test run fails with: each query, where it comes from, and the two ways to fix it. */
export function describeUnservedQueries(
  unserved: { query: RecordedQuery; reason: string; suggestion: string }[],
): string {
  const lines = unserved.flatMap(({ query, reason, suggestion }) => {
    const sort = describeSort(query.sort);
    return [
      `- ${query.collection}.${query.operation}(${describeFilterShape(query.filter)}${sort ? `, sort ${sort}` : ''}): ${reason}`,
      ...query.callSites.map((site) => `    called from ${site}`),
      `    fix: declare an index on the model of '${query.collection}', e.g. schema.index(${suggestion})`,
      `    or, if scanning is intended, list it in src/shared/deliberate-scans.ts: ${describeAsScan(query)}`,
    ];
  });
  return [
    `query guard: ${unserved.length} quer${unserved.length === 1 ? 'y' : 'ies'} that no declared index serves (a collection scan on MongoDB):`,
    ...lines,
  ].join('\n');
}
