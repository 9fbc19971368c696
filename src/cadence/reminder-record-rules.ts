/**
 * Which given reminders may be forgotten, pure. A reminder record (reminder-record-model.ts) is what
 * keeps a warning from going out twice, so it is pruned only once nothing could send its warning again:
 * - a cadence warning ("cadence:<account>:<threshold>:<gap start>") is due again every day its gap stays
 *   open, so its record stays until the account posts (an original post, for the original-content
 *   warning) after the gap's start; the next gap has a new key;
 * - an approval nudge ("nudge:<draft>:…") can recur only while its draft is in review (a closed draft's
 *   episodes are over, and a reopened step gets a new key), so its record stays while the draft is;
 * - a record of any other shape is kept: no rule says it is safe to drop.
 */

export type ReminderSubject =
  | { kind: 'cadence'; accountId: string; threshold: string; gapStart: string }
  | { kind: 'nudge'; draftId: string }
  | { kind: 'other' };

/** What the pruning knows of the present: each account's last post dates, the drafts in review. */
export interface ReminderGuardFacts {
  /** Civil dates (YYYY-MM-DD) of each account's last post and last original post. */
  lastPostDates: Map<string, { post: string | null; original: string | null }>;
  draftsInReview: Set<string>;
}

export function reminderSubject(key: string): ReminderSubject {
  const parts = key.split(':');
  if (parts[0] === 'cadence' && parts.length === 4 && /^\d{4}-\d{2}-\d{2}$/.test(parts[3])) {
    return { kind: 'cadence', accountId: parts[1], threshold: parts[2], gapStart: parts[3] };
  }
  if (parts[0] === 'nudge' && parts.length >= 3 && parts[1]) return { kind: 'nudge', draftId: parts[1] };
  return { kind: 'other' };
}

/** True while the record still stops a warning that could be due again. */
export function reminderStillGuards(subject: ReminderSubject, facts: ReminderGuardFacts): boolean {
  switch (subject.kind) {
    case 'cadence': {
      const last = facts.lastPostDates.get(subject.accountId);
      const lastPost = subject.threshold === 'original' ? last?.original : last?.post;
      // Dates compare as text; a post on the gap's start day leaves the same key, so it still guards.
      return !lastPost || lastPost <= subject.gapStart;
    }
    case 'nudge':
      return facts.draftsInReview.has(subject.draftId);
    case 'other':
      return true;
  }
}
