/**
 * Does an index serve this query? The check MongoDB's `notablescan` makes, done ourselves, because the
 * embedded FerretDB never uses an index and no mongod can run here: a query that no declared index
 * serves would be fast in tests and a collection scan in production.
 *
 * The rules are MongoDB's query planner's, kept to what our queries use: an index serves a filter when
 * its leading key is constrained; it serves a sort when, after the keys bound by equality, its next
 * keys are the sort's keys in order (all in the same or all in the opposite direction). That is the
 * "equality, sort, range" order: a range key before the sort key leaves the sort to memory. `$in` counts
 * as equality (the planner merges its point ranges). Each branch of an `$or` needs its own index, or
 * the whole query scans. A query with a limit and no usable filter is served by an index that gives
 * its sort (the planner walks it and stops at the limit). Pure: no I/O.
 */

export interface IndexKey {
  field: string;
  direction: 1 | -1;
}

export interface DeclaredIndex {
  name: string;
  keys: IndexKey[];
}

export interface QueryToPlan {
  filter: Record<string, unknown>;
  sort: IndexKey[];
  /** The index named by the query's hint, if any: only that one may serve it. */
  hint?: string;
  limited: boolean;
}

export type QueryPlan = { served: true; index: string } | { served: false; reason: string; suggestion: string };

/** What a filter asks of each field, per branch of a top-level `$or` (one branch when there is none). */
interface FilterBranch {
  equality: Set<string>;
  range: Set<string>;
}

const rangeOperators = new Set(['$gt', '$gte', '$lt', '$lte', '$elemMatch', '$all']);
const equalityOperators = new Set(['$eq', '$in']);

/** Finds the index that serves the query, or says why none does and which one would. */
export function planQuery(query: QueryToPlan, indexes: DeclaredIndex[]): QueryPlan {
  const candidates = query.hint ? indexes.filter((index) => index.name === query.hint) : indexes;
  const branches = splitBranches(query.filter);
  const chosen: string[] = [];
  for (const branch of branches) {
    const index = bestOf(
      candidates.filter((candidate) => servesBranch(candidate, branch, query)),
      branch,
    );
    if (!index) {
      const hint = query.hint ? ` (the query's hint names ${query.hint})` : '';
      return {
        served: false,
        reason:
          branches.length > 1
            ? `no index serves the $or branch ${describeBranch(branch)}${hint}`
            : `no index serves it${hint}`,
        suggestion: suggestIndex(branch, query.sort),
      };
    }
    if (!chosen.includes(index.name)) chosen.push(index.name);
  }
  return { served: true, index: chosen.join(' + ') };
}

/** The index that bounds most of the branch: its longest run of equality keys, then one range key. */
function bestOf(serving: DeclaredIndex[], branch: FilterBranch): DeclaredIndex | undefined {
  const bounds = (index: DeclaredIndex) => {
    let bound = 0;
    while (bound < index.keys.length && branch.equality.has(index.keys[bound].field)) bound += 1;
    return bound + (bound < index.keys.length && branch.range.has(index.keys[bound].field) ? 0.5 : 0);
  };
  return serving.reduce<DeclaredIndex | undefined>(
    (best, index) => (!best || bounds(index) > bounds(best) ? index : best),
    undefined,
  );
}

function servesBranch(index: DeclaredIndex, branch: FilterBranch, query: QueryToPlan): boolean {
  const [leading] = index.keys;
  if (!leading) return false;
  const sortServed = servesSort(index, branch, query.sort);
  const constrained = branch.equality.has(leading.field) || branch.range.has(leading.field);
  if (constrained) return query.sort.length === 0 || sortServed;
  return query.limited && query.sort.length > 0 && sortServed;
}

function servesSort(index: DeclaredIndex, branch: FilterBranch, sort: IndexKey[]): boolean {
  let position = 0;
  while (position < index.keys.length && branch.equality.has(index.keys[position].field)) position += 1;
  let orientation: 1 | -1 | 0 = 0;
  for (const wanted of sort) {
    if (branch.equality.has(wanted.field)) continue;
    const key = index.keys[position];
    if (!key || key.field !== wanted.field) return false;
    const keyOrientation = key.direction === wanted.direction ? 1 : -1;
    if (orientation !== 0 && orientation !== keyOrientation) return false;
    orientation = keyOrientation;
    position += 1;
  }
  return true;
}

/** The index the ESR rule gives for a branch: equality fields, then the sort, then range fields. */
function suggestIndex(branch: FilterBranch, sort: IndexKey[]): string {
  const keys: string[] = [];
  const add = (field: string, direction: 1 | -1) => {
    if (!keys.some((key) => key.startsWith(`${quoteField(field)}:`))) keys.push(`${quoteField(field)}: ${direction}`);
  };
  for (const field of branch.equality) add(field, 1);
  for (const key of sort) add(key.field, key.direction);
  for (const field of branch.range) add(field, 1);
  return keys.length > 0 ? `{ ${keys.join(', ')} }` : '(the filter constrains no field: add one, or list the scan)';
}

function quoteField(field: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(field) ? field : `'${field}'`;
}

function describeBranch(branch: FilterBranch): string {
  const fields = [...branch.equality, ...[...branch.range].map((field) => `${field} (range)`)];
  return `{ ${fields.join(', ')} }`;
}

/** Splits a filter into the branches of its top-level `$or` (each with the fields outside it). */
function splitBranches(filter: Record<string, unknown>): FilterBranch[] {
  const common: FilterBranch = { equality: new Set(), range: new Set() };
  let alternatives: Record<string, unknown>[] | null = null;
  const collect = (part: Record<string, unknown>) => {
    for (const [field, condition] of Object.entries(part)) {
      if (field === '$and' && Array.isArray(condition)) {
        for (const inner of condition) collect(inner as Record<string, unknown>);
      } else if (field === '$or' && Array.isArray(condition) && alternatives === null) {
        alternatives = condition as Record<string, unknown>[];
      } else if (!field.startsWith('$')) {
        classifyCondition(common, field, condition);
      }
    }
  };
  collect(filter);
  const branches: Record<string, unknown>[] = alternatives ?? [];
  if (branches.length === 0) return [common];
  return branches.map((alternative) => {
    const branch = splitBranches(alternative)[0];
    for (const field of common.equality) branch.equality.add(field);
    for (const field of common.range) branch.range.add(field);
    return branch;
  });
}

function classifyCondition(branch: FilterBranch, field: string, condition: unknown): void {
  if (condition instanceof RegExp) {
    if (condition.source.startsWith('^')) branch.range.add(field);
    return;
  }
  if (!isOperatorObject(condition)) {
    branch.equality.add(field);
    return;
  }
  const operators = Object.keys(condition);
  if (typeof condition.$regex === 'string') {
    if (condition.$regex.startsWith('^')) branch.range.add(field);
    return;
  }
  if (operators.some((operator) => equalityOperators.has(operator))) branch.equality.add(field);
  else if (operators.some((operator) => rangeOperators.has(operator))) branch.range.add(field);
  // $ne, $nin, $not, $exists, $type and the like select most of an index: they constrain nothing.
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'));
}

/**
 * The query with its values left out, e.g. `{ status: ?, notBefore: { $lte: ? } }`: what identifies a
 * query in reports and in the list of deliberate scans.
 */
export function describeFilterShape(filter: unknown): string {
  if (Array.isArray(filter)) return `[${filter.map(describeFilterShape).join(', ')}]`;
  if (typeof filter !== 'object' || filter === null || Object.getPrototypeOf(filter) !== Object.prototype) return '?';
  const entries = Object.entries(filter as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const parts = entries.map(([key, value]) => {
    const logical = key === '$or' || key === '$and' || key === '$nor';
    const shape = logical || isOperatorObject(value) ? describeFilterShape(value) : '?';
    const operatorsOnly = key.startsWith('$') && !logical && !isOperatorObject(value);
    return `${quoteField(key)}: ${operatorsOnly ? '?' : shape}`;
  });
  return `{ ${parts.join(', ')} }`;
}

/** `{ a: 1, b: -1 }` (the form a driver gets) as index keys; anything else as none. */
export function toIndexKeys(specification: unknown): IndexKey[] {
  if (specification instanceof Map) return toIndexKeys(Object.fromEntries(specification));
  if (Array.isArray(specification)) {
    return specification.flatMap((entry) =>
      Array.isArray(entry) && typeof entry[0] === 'string' ? toIndexKeys({ [entry[0]]: entry[1] }) : [],
    );
  }
  if (typeof specification !== 'object' || specification === null) return [];
  return Object.entries(specification as Record<string, unknown>).map(([field, direction]) => ({
    field,
    direction: direction === -1 || direction === 'desc' || direction === 'descending' ? -1 : 1,
  }));
}

/** The name MongoDB gives an index: `a_1_b_-1`. */
export function nameIndex(keys: IndexKey[]): string {
  return keys.map((key) => `${key.field}_${key.direction}`).join('_');
}

export function describeSort(sort: IndexKey[]): string {
  return sort.length === 0 ? '' : `{ ${sort.map((key) => `${quoteField(key.field)}: ${key.direction}`).join(', ')} }`;
}
