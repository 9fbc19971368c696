/** The error body every API error answers with (see common.ts). */
export type { ErrorBody } from './common';
