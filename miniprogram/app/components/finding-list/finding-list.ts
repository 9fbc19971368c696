/** The pre-check findings (R7) of one version: severity, where, the masked excerpt and what to do. */
Component({
  properties: {
    /** Rows from toFindingRows (lib/draft-detail-view.ts). */
    findings: { type: Array, value: [] },
  },
});
