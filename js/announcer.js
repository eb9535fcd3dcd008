// Writes the demo's status in two places. The visible status line changes at
// once, so it keeps up with typing. A screen reader reads every change of a
// live region, so the live region, which sighted readers do not see, gets
// routine updates only once typing pauses, while a change of kind (an empty
// sentence, a cut-off sentence, an error) is written there at once.

/** Milliseconds of quiet before a routine update reaches the live region. */
export const ROUTINE_DELAY_MS = 800;

/**
 * Returns announce(message, kind), which writes `message` to `visible` at
 * once and to `live`, a polite live region, as follows: a message of a new
 * kind at once, a message of the same kind as the last one after
 * ROUTINE_DELAY_MS, unless a newer message comes first.
 */
export function createAnnouncer(visible, live, delayMs = ROUTINE_DELAY_MS) {
  let lastKind = null;
  let timer = null;

  function write(element, message) {
    if (element.textContent !== message) element.textContent = message;
  }

  return function announce(message, kind) {
    write(visible, message);
    clearTimeout(timer);
    timer = null;
    if (kind !== lastKind) {
      lastKind = kind;
      write(live, message);
      return;
    }
    timer = setTimeout(() => write(live, message), delayMs);
  };
}
