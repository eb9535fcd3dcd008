// Pointer and keyboard interactions of the matrices, the token strip and the
// line view. Each turns what is under the pointer or has focus into the
// store's `highlight`: { kind: "cell", row, col } for one weight (row = query
// token, col = key token), { kind: "token", row: i, col: i } for a token, so
// its row and column are marked, or null.

import { matrixCell } from "./heatmap.js";

/** Returns the highlight that element stands for, or null. */
export function highlightOf(element) {
  if (!(element instanceof Element)) return null;
  const source = element.closest("[data-row][data-col], [data-token-index]");
  if (!source) return null;
  if (source.dataset.tokenIndex !== undefined) {
    const index = Number(source.dataset.tokenIndex);
    return { kind: "token", row: index, col: index };
  }
  return { kind: "cell", row: Number(source.dataset.row), col: Number(source.dataset.col) };
}

/**
 * Binds hover, focus and arrow-key handling on each element of `containers`
 * (the matrix grid, the token strip, the line view).
 */
export function bindInteractions(containers, store) {
  function isInside(element) {
    return containers.some((container) => container.contains(element));
  }

  // The highlight of the focused element, which shows again when the
  // pointer leaves.
  function focusHighlight() {
    const focused = document.activeElement;
    return focused && isInside(focused) ? highlightOf(focused) : null;
  }

  function setHighlight(highlight) {
    const current = store.state.highlight;
    const same =
      current === highlight ||
      (current &&
        highlight &&
        current.kind === highlight.kind &&
        current.row === highlight.row &&
        current.col === highlight.col);
    if (!same) store.update({ highlight }, { history: "none" });
  }

  for (const container of containers) {
    container.addEventListener("pointerover", (event) => {
      setHighlight(highlightOf(event.target) ?? focusHighlight());
    });
    container.addEventListener("pointerleave", () => setHighlight(focusHighlight()));
    container.addEventListener("focusin", (event) => setHighlight(highlightOf(event.target)));
    container.addEventListener("focusout", (event) => {
      if (!event.relatedTarget || !isInside(event.relatedTarget)) setHighlight(null);
    });
    container.addEventListener("keydown", (event) => {
      if (event.altKey || event.metaKey) return;
      const moved =
        moveInMatrix(event.target, event.key, event.ctrlKey) ||
        moveInStrip(event.target, event.key);
      if (moved) event.preventDefault();
      if (event.key === "Escape") setHighlight(null);
    });
  }
}

// Moves focus between the cells of an attention matrix; returns whether the
// key was one of the matrix's navigation keys.
function moveInMatrix(target, key, ctrlKey) {
  if (!(target instanceof HTMLTableCellElement) || target.dataset.row === undefined) {
    return false;
  }
  const table = target.closest("table");
  const last = table.tBodies[0].rows.length - 1;
  let row = Number(target.dataset.row);
  let col = Number(target.dataset.col);
  switch (key) {
    case "ArrowUp":
      row -= 1;
      break;
    case "ArrowDown":
      row += 1;
      break;
    case "ArrowLeft":
      col -= 1;
      break;
    case "ArrowRight":
      col += 1;
      break;
    case "Home":
      col = 0;
      if (ctrlKey) row = 0;
      break;
    case "End":
      col = last;
      if (ctrlKey) row = last;
      break;
    case "PageUp":
      row = 0;
      break;
    case "PageDown":
      row = last;
      break;
    default:
      return false;
  }
  const next = matrixCell(table, clamp(row, last), clamp(col, last));
  if (next && next !== target) moveFocus(target, next);
  return true;
}

// Moves focus between the tokens of the strip; returns whether it handled
// the key.
function moveInStrip(target, key) {
  if (!(target instanceof HTMLLIElement) || !target.classList.contains("token")) {
    return false;
  }
  const items = [...target.parentElement.children];
  const index = items.indexOf(target);
  const nextIndex = {
    ArrowLeft: index - 1,
    ArrowUp: index - 1,
    ArrowRight: index + 1,
    ArrowDown: index + 1,
    Home: 0,
    End: items.length - 1,
  }[key];
  if (nextIndex === undefined) return false;
  const next = items[clamp(nextIndex, items.length - 1)];
  if (next !== target) moveFocus(target, next);
  return true;
}

function moveFocus(from, to) {
  from.tabIndex = -1;
  to.tabIndex = 0;
  to.focus();
}

function clamp(value, last) {
  return Math.min(Math.max(value, 0), last);
}
