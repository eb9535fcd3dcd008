// Keeps the URL fragment and the demo state in step. Typing replaces the
// current history entry, so the back button does not walk through every
// keystroke; a discrete change (layer, head, mask) adds an entry. Going back
// or forward, or editing the fragment by hand, applies the fragment's state.

import { formatFragment, parseFragment } from "./url_state.js";

const URL_FIELDS = ["sentence", "layer", "head", "causal"];

/**
 * Returns the state that location.hash sets over `defaults`, or null when the
 * fragment is not demo state (a link to a section heading, for example).
 */
export function stateFromLocation(defaults, limits) {
  if (location.hash === "" || location.hash === "#") return { ...defaults };
  const parsed = parseFragment(location.hash, limits);
  return parsed === null ? null : { ...defaults, ...parsed };
}

/**
 * Writes store changes of the URL fields to the fragment, with
 * history.pushState when the update's meta has history: "push", with
 * replaceState otherwise, and not at all for history: "none".
 */
export function bindHistory(store, defaults, limits) {
  store.subscribe((state, changed, meta) => {
    if (meta.history === "none") return;
    if (!URL_FIELDS.some((field) => changed.has(field))) return;
    const fragment = formatFragment(state);
    if (fragment === location.hash) return;
    if (meta.history === "push") {
      history.pushState(null, "", fragment);
    } else {
      history.replaceState(null, "", fragment);
    }
  });

  function applyLocation() {
    const state = stateFromLocation(defaults, limits);
    if (state !== null) store.update(state, { history: "none" });
  }
  // Editing the fragment by hand fires both events; the second finds no change.
  window.addEventListener("popstate", applyLocation);
  window.addEventListener("hashchange", applyLocation);
}
