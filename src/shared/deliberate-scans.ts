/**
 * Queries that read a whole collection on purpose, each with its reason. The query guard
 * (src/shared/query-guard.ts) accepts exactly these shapes without an index; every other query needs
 * one. A failing test run prints the line to add here; add it only when a scan is what the feature
 * means (an export, a verification of everything), never to quiet a query on a hot path.
 */
export interface DeliberateScan {
  collection: string;
  operation: string;
  /** The filter's shape as the guard prints it, e.g. '{}' or '{ status: ? }'. */
  filter: string;
  /** The sort's shape as the guard prints it, when the query sorts. */
  sort?: string;
  reason: string;
}

export const deliberateScans: DeliberateScan[] = [
  {
    collection: 'audit_events',
    operation: 'find',
    filter: '{}',
    reason: 'audit:verify recomputes every event of the chain, in storage order',
  },
  {
    collection: 'units',
    operation: 'find',
    filter: '{}',
    reason: 'an organisation import (an admin command) matches the file against every unit there is',
  },
  {
    collection: 'calendar_overrides',
    operation: 'find',
    filter: '{}',
    reason: "the deployment's local holiday overrides: a few dozen dates an admin keeps, read whole and cached",
  },
  {
    collection: 'inquiry_settings',
    operation: 'find',
    filter: '{}',
    reason:
      'inquiry deadlines of the units and acknowledgements of the accounts that set their own: read whole and cached',
  },
  {
    collection: 'reminder_policies',
    operation: 'find',
    filter: '{}',
    reason: 'per-unit reminder settings: at most one per unit, read whole and cached for the nudge job',
  },
  {
    collection: 'drafts',
    operation: 'find',
    filter: '{}',
    reason: 'the one-off upgrade at start (draft-storage-upgrade.ts) gives every stored draft its listing and timeline',
  },
  {
    collection: 'draft_listings',
    operation: 'find',
    filter: '{}',
    reason: "the one-off upgrade at start reads every listing's revision once, to write only the missing ones",
  },
  {
    collection: 'cadence_states',
    operation: 'find',
    filter: '{}',
    reason: "the daily cadence check (R6) reads every account's state in one pass instead of one query per account",
  },
];
