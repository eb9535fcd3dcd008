// Writes the demo's status line, a polite live region. A screen reader reads
// every change of a live region, so routine updates wait until typing pauses,
// while a change of kind (an empty sentence, a cut-off sentence, an error) is
// written at once.

/** Milliseconds of quiet before a routine status update is written. */
export const ROUTINE_DELAY_MS = 800;

/**
 * Returns announce(message, kind) for `element`. A message of a new kind
 * replaces the text at once. A message of the same kind as the last one
 * waits ROUTINE_DELAY_MS, and a newer message cancels it.
 */
export function createAnnouncer(element, delayMs = ROUTINE_DELAY_MS) {
  let lastKind = null;
  let timer = null;

  function write(message) {
    if (element.textContent !== message) element.textContent = message;
  }

  return function announce(message, kind) {
    clearTimeout(timer);
    timer = null;
    if (kind !== lastKind) {
      lastKind = kind;
      write(message);
      return;
    }
    timer = setTimeout(() => write(message), delayMs);
  };
}
