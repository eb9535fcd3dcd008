// Brings the target of a link to the top of the viewport when the page
// opens on it. The target is the demo when the fragment is demo state, as in
// a shared link, whose fragment names no element, so the browser does not
// scroll by itself. Otherwise it is the element that the fragment names.
//
// One scroll at startup does not stay on target, for two reasons. The style
// sheet's scroll-behavior: smooth turns it into an animation, which runs
// while the model loads and aims at where the target was when it started.
// And the layout changes after the script starts. The live matrices replace
// the build's, which makes the demo over a thousand pixels shorter with the
// example sentence and moves every section below it. A late font or MathML
// layout can change heights too. So this scrolls at once, and it realigns on
// every change of the page's height until the page has settled or the
// reader scrolls.

/** Events that mean the reader has taken over the scroll position. */
const READER_EVENTS = ["wheel", "touchstart", "keydown", "pointerdown"];

/**
 * Returns the element that this page load should bring to the top: `demo`
 * when `hasState` (the fragment is demo state), else the element whose id
 * the fragment is, or null. A reload or a step back or forward returns null,
 * because the browser then restores the reader's own position.
 */
export function findLinkTarget(demo, hasState) {
  const navigation = performance.getEntriesByType("navigation")[0];
  if (navigation !== undefined && navigation.type !== "navigate") return null;
  if (hasState) return demo;
  if (location.hash.length <= 1) return null;
  try {
    return document.getElementById(decodeURIComponent(location.hash.slice(1)));
  } catch {
    // A malformed percent escape names no element.
    return null;
  }
}

/**
 * Scrolls so that element's top is at the top of the viewport, less its
 * scroll-margin-top, and keeps it there while the layout changes. Returns
 * settle(), which the caller runs once its own drawing is done: after the
 * load event and fonts, settle() aligns the element once more and then
 * leaves the scroll position to the reader.
 */
export function pinToTop(element) {
  let pinned = true;
  const observer = new ResizeObserver(align);

  function align() {
    if (!pinned) return;
    const margin = parseFloat(getComputedStyle(element).scrollMarginTop) || 0;
    const offset = element.getBoundingClientRect().top - margin;
    if (Math.abs(offset) >= 1) {
      // "instant" overrides the style sheet's scroll-behavior: smooth.
      window.scrollTo({ top: window.scrollY + offset, behavior: "instant" });
    }
  }

  function release() {
    pinned = false;
    observer.disconnect();
    for (const type of READER_EVENTS) {
      window.removeEventListener(type, release, { capture: true });
    }
  }

  for (const type of READER_EVENTS) {
    window.addEventListener(type, release, { capture: true, passive: true });
  }
  // The page's height changes whenever content above or in the demo does.
  observer.observe(document.body);
  align();

  return async function settle() {
    const loaded =
      document.readyState === "complete"
        ? Promise.resolve()
        : new Promise((resolve) => window.addEventListener("load", resolve, { once: true }));
    await Promise.all([loaded, document.fonts.ready]);
    requestAnimationFrame(() => {
      align();
      release();
    });
  };
}
