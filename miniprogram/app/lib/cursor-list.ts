/**
 * The state of a list read page by page with the API's cursor, shared by the drafts and people pages:
 * first page (with loading / empty / error), the next page appended when the list nears its bottom, and
 * answers to a superseded query (a filter changed meanwhile) dropped.
 */
import { messageOf } from './api-error';

export type ListStatus = 'loading' | 'empty' | 'error' | 'ready';
/** more: another page exists; end: the last page is shown. */
export type ListFooter = 'more' | 'loading' | 'error' | 'end';

export interface CursorListData<Row> {
  listStatus: ListStatus;
  errorMessage: string;
  rows: Row[];
  nextCursor: string | null;
  footer: ListFooter;
  querySerial: number;
}

export interface RowPage<Row> {
  rows: Row[];
  nextCursor: string | null;
}

interface ListHost<Row> {
  data: CursorListData<Row>;
  setData(data: Partial<CursorListData<Row>>): void;
}

export function initialListData<Row>(): CursorListData<Row> {
  return { listStatus: 'loading', errorMessage: '', rows: [], nextCursor: null, footer: 'end', querySerial: 0 };
}

/** Loads the first page for the current filters. */
export async function reloadList<Row>(
  host: ListHost<Row>,
  fetchPage: (cursor?: string) => Promise<RowPage<Row>>,
  showLoading = true,
): Promise<void> {
  const serial = host.data.querySerial + 1;
  host.setData(showLoading ? { querySerial: serial, listStatus: 'loading' } : { querySerial: serial });
  try {
    const page = await fetchPage();
    if (serial !== host.data.querySerial) return;
    host.setData({
      rows: page.rows,
      nextCursor: page.nextCursor,
      listStatus: page.rows.length ? 'ready' : 'empty',
      footer: page.nextCursor ? 'more' : 'end',
    });
  } catch (error) {
    if (serial === host.data.querySerial) host.setData({ listStatus: 'error', errorMessage: messageOf(error) });
  }
}

/** Appends the next page, once at a time; a failure offers 点此重试 in the footer. */
export async function loadMoreRows<Row>(
  host: ListHost<Row>,
  fetchPage: (cursor?: string) => Promise<RowPage<Row>>,
): Promise<void> {
  const cursor = host.data.nextCursor;
  if (!cursor || host.data.footer === 'loading' || host.data.listStatus !== 'ready') return;
  const serial = host.data.querySerial;
  host.setData({ footer: 'loading' });
  try {
    const page = await fetchPage(cursor);
    if (serial !== host.data.querySerial) return;
    host.setData({
      rows: [...host.data.rows, ...page.rows],
      nextCursor: page.nextCursor,
      footer: page.nextCursor ? 'more' : 'end',
    });
  } catch {
    if (serial === host.data.querySerial) host.setData({ footer: 'error' });
  }
}

/**
 * Every page of a cursor list, for the registry-sized lists a page filters on the phone (a county has
 * tens of accounts); stops after `maxPages` so a runaway cursor cannot loop.
 */
export async function readAllPages<Item>(
  fetchPage: (cursor?: string) => Promise<{ items: Item[]; nextCursor: string | null }>,
  maxPages = 20,
): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const answer = await fetchPage(cursor);
    items.push(...answer.items);
    if (!answer.nextCursor) break;
    cursor = answer.nextCursor;
  }
  return items;
}
