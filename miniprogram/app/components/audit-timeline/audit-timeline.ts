/**
 * The audit events of one draft (or one 留言) as a vertical timeline (R3): what happened, who did it and
 * for whom, when and through which channel, why, and the event's number with the version and its short hash.
 */
Component({
  properties: {
    /** Rows from toTimelineRows (lib/draft-detail-view.ts). */
    events: { type: Array, value: [] },
  },
});
