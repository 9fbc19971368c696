import { describeAsScan, describeUnservedQueries, extractQueries } from '../../../src/shared/query-guard';

describe('reading queries off the driver calls', () => {
  test('when a find has a sort and a limit, then the shape keeps them and drops the values', () => {
    const [query] = extractQueries('drafts', 'find', [
      { shortCode: 'K7Q2', createdAt: { $gt: new Date() }, title: /^防汛/ },
      { sort: { createdAt: -1 }, limit: 1 },
    ]);
    expect(query).toEqual({
      collection: 'drafts',
      operation: 'find',
      filter: { shortCode: '?', createdAt: { $gt: '?' }, title: { $regex: '^?' } },
      sort: [{ field: 'createdAt', direction: -1 }],
      hint: undefined,
      limited: true,
    });
  });

  test('when writes carry a document, then their options come third; deletes and inserts are read right', () => {
    expect(extractQueries('x', 'updateOne', [{ _id: 1 }, { $set: { a: 1 } }, { hint: { _id: 1 } }])[0]).toMatchObject({
      filter: { _id: '?' },
      hint: '_id_1',
      limited: true,
    });
    expect(extractQueries('x', 'findOneAndDelete', [{ a: 1 }, { sort: { b: 1 } }])[0].sort).toEqual([
      { field: 'b', direction: 1 },
    ]);
    expect(extractQueries('x', 'insertMany', [[{ a: 1 }]])).toEqual([]);
    expect(extractQueries('x', 'aggregate', [[{ $match: { status: 's' } }, { $sort: { at: 1 } }]])[0]).toMatchObject({
      filter: { status: '?' },
      sort: [{ field: 'at', direction: 1 }],
    });
  });

  test('when a query has no index, then the message names it, its call site and both fixes', () => {
    const [query] = extractQueries('outbox_messages', 'find', [{ text: 'x' }, {}]);
    const message = describeUnservedQueries([
      {
        query: { ...query, callSites: ['src/outbox/outbox-service.ts:10 (Outbox.find)'], count: 1 },
        reason: 'no index serves it',
        suggestion: '{ text: 1 }',
      },
    ]);
    expect(message).toContain('outbox_messages.find({ text: ? }): no index serves it');
    expect(message).toContain('called from src/outbox/outbox-service.ts:10 (Outbox.find)');
    expect(message).toContain('schema.index({ text: 1 })');
    expect(message).toContain(describeAsScan(query));
  });
});
