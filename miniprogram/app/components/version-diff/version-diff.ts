/**
 * The difference between two versions, inline: added text green and underlined, removed text red and
 * struck through (readable without colour), long unchanged runs cut to their ends.
 */
Component({
  properties: {
    /** A DiffView from lib/draft-detail-view.ts. */
    diff: { type: Object, value: { heading: '', titleChanged: false, title: [], bodyChanged: false, body: [] } },
  },
});
