// Writes the demo's status in two places. The visible status line changes at
// once, so it keeps up with typing. A screen reader reads every change of a
// live region, so the live region gets routine updates only after typing
// pauses. A change of kind (an empty sentence, a cut-off sentence, an error)
// reaches it at once. Sighted readers do not see the live region.

/** Milliseconds of quiet before a routine update reaches the live region. */
export const ROUTINE_DELAY_MS = 800;

/**
 * Returns announce(message, kind). It writes `message` to `visible` at once.
 * It writes it to `live`, a polite live region, at once when `kind` differs
 * from the last message's kind, and otherwise after ROUTINE_DELAY_MS, unless
 * a newer message arrives first.
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
