// Tells the reader that a box scrolls sideways. While content is hidden past
// an edge of the box, its frame carries data-overflow-start or
// data-overflow-end, and the style sheet draws a fade at that edge. While the
// box scrolls at all, it is also a Tab stop, so keyboard users can scroll it
// with the arrow keys.

/** Pixels of hidden content below which an edge counts as reached. */
const EDGE_TOLERANCE_PX = 1;

/**
 * Keeps the cues of `box`, a scroll container, on `frame`, an element around
 * it that does not scroll. Returns update(), which the caller runs after it
 * changes the box's content. Scrolling and resizing update the cues by
 * themselves.
 */
export function bindScrollCue(box, frame) {
  const observed = new Set();
  const observer = new ResizeObserver(update);

  function update() {
    // In a right-to-left box, scrollLeft runs from 0 to negative values.
    const scrolled = Math.abs(box.scrollLeft);
    const hidden = box.scrollWidth - box.clientWidth;
    const start = scrolled > EDGE_TOLERANCE_PX;
    const end = hidden - scrolled > EDGE_TOLERANCE_PX;
    frame.toggleAttribute("data-overflow-start", start);
    frame.toggleAttribute("data-overflow-end", end);
    if (start || end) {
      box.tabIndex = 0;
    } else if (box !== document.activeElement) {
      box.removeAttribute("tabindex");
    }
    // The content can change width without the box changing size, for
    // example when a font loads, so each child is observed too.
    for (const child of box.children) {
      if (!observed.has(child)) {
        observed.add(child);
        observer.observe(child);
      }
    }
    for (const child of observed) {
      if (!box.contains(child)) {
        observed.delete(child);
        observer.unobserve(child);
      }
    }
  }

  box.addEventListener("scroll", update, { passive: true });
  observer.observe(box);
  update();
  return update;
}
