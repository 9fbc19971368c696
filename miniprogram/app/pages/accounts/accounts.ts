/**
 * Placeholder for the account registry and annual review board: the registry's API (issue 11) is not
 * part of the API contracts yet, so the page says what is coming instead of showing an empty list.
 */
Component({
  methods: {
    onLoad() {
      // Nothing to load until the registry routes exist.
    },
  },
});
