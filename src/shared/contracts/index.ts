/** API request/response types shared with the mini-program (JSON-shaped: string ids, ISO dates). */
export type * from './common';
export type * from './health';
export type * from './auth';
export type * from './drafts';
export type * from './accounts';
export type * from './annual-reviews';
export type * from './cadence';
export type * from './audit';
export type * from './people';
export type * from './dashboard';
export type * from './exports';
export type * from './connections';
export type * from './publications';
export type * from './sweeps';
export type * from './publication-checks';
export type * from './inquiries';
export type * from './readiness';
