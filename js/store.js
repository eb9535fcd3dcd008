// The demo's state, in one place. Views never change it directly: they call
// update(), and every listener then receives the new state and the names of
// the fields that changed.

/**
 * Creates a store holding `initialState`. Listeners are called in the order
 * they subscribed, with (state, changed: Set of field names, meta), where
 * meta is what the caller passed to update(), for example { history: "push" }.
 */
export function createStore(initialState) {
  let state = Object.freeze({ ...initialState });
  const listeners = [];

  return {
    get state() {
      return state;
    },

    /** Merges `changes` into the state and notifies listeners if any field changed. */
    update(changes, meta = {}) {
      const changed = new Set();
      for (const [field, value] of Object.entries(changes)) {
        if (!Object.is(state[field], value)) changed.add(field);
      }
      if (changed.size === 0) return;
      state = Object.freeze({ ...state, ...changes });
      for (const listener of listeners) listener(state, changed, meta);
    },

    subscribe(listener) {
      listeners.push(listener);
    },
  };
}
