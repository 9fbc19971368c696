/** API request/response types shared with the mini-program (JSON-shaped: string ids, ISO dates). */
export type * from './errors';
export type * from './health';
export type * from './drafts';
export type * from './accounts';
export type * from './annual-reviews';
export type * from './cadence';
