// Keeps the URL fragment and the demo state in step. Typing replaces the
// current history entry, so the back button does not walk through every
// keystroke; a discrete change (layer, head, mask) adds an entry. Changes of
// one control in quick succession, such as arrowing through the heads, share
// that entry. Going back or forward, or editing the fragment by hand, applies
// the fragment's state.

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

/** Returns whether location.hash sets demo state, as a shared link's does. */
export function locationHasState(limits) {
  return parseFragment(location.hash, limits) !== null;
}

/**
 * Milliseconds after the last keystroke before the typed sentence is written
 * to the URL. history.replaceState took about 3 ms per call in a trace of
 * headless Chromium 156 on a 2-core machine, a fifth of a frame, so typing
 * writes the URL once it pauses.
 */
const REPLACE_DELAY_MS = 300;

/**
 * Milliseconds within which a discrete change joins the history entry of the
 * previous change from the same control. The value is an estimate: longer
 * than the gap between presses of an arrow key in a row, shorter than the
 * pause of a reader who stops to look at a head.
 */
export const COALESCE_MS = 1000;

/**
 * Writes store changes of the URL fields to the fragment: at once when the
 * update's meta has history: "push", after REPLACE_DELAY_MS with
 * replaceState otherwise, and not at all for history: "none". A push adds a
 * history entry, unless the previous push had the same meta.coalesce key
 * (the control's name) less than COALESCE_MS before. Then it replaces that
 * entry, so the back button skips the steps in between.
 */
export function bindHistory(store, defaults, limits) {
  let pendingFragment = null;
  let timer = null;
  // The coalesce key and time of the push that made the current entry, or
  // null when the next push must add an entry.
  let lastPush = null;

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
    if (meta.history !== "push") {
      // Typing between two picks separates them.
      lastPush = null;
      pendingFragment = fragment;
      clearTimeout(timer);
      timer = setTimeout(flushReplace, REPLACE_DELAY_MS);
      return;
    }
    // A pending replace contains the state before this change, typed text
    // included, so the current entry gets it before the new entry is added.
    flushReplace();
    if (fragment === location.hash) return;
    const now = performance.now();
    const joins =
      lastPush !== null &&
      meta.coalesce !== undefined &&
      meta.coalesce === lastPush.key &&
      now - lastPush.time < COALESCE_MS;
    if (joins) {
      history.replaceState(null, "", fragment);
    } else {
      history.pushState(null, "", fragment);
    }
    lastPush = { key: meta.coalesce, time: now };
  });

  function applyLocation() {
    cancelReplace();
    // The current entry is now one the reader went back or forward to, which
    // the next change must keep.
    lastPush = null;
    const state = stateFromLocation(defaults, limits);
    if (state !== null) store.update(state, { history: "none" });
  }
  // Editing the fragment by hand fires both events; the second finds no change.
  window.addEventListener("popstate", applyLocation);
  window.addEventListener("hashchange", applyLocation);
  window.addEventListener("pagehide", flushReplace);
}
