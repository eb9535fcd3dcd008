// Draws attention matrices as tables, one per layer and head, and the token
// strip above them. Text is always inserted with textContent, never as HTML.
//
// Each matrix is a real <table>. Row headers are the query tokens, column
// headers the key tokens, and each cell contains one attention weight as a
// percentage, with the exact value in data-value. Cells take part in a roving
// tabindex, so a table is one Tab stop and the arrow keys move between cells.

import { attentionValue, heatLevel, percent } from "./format.js";

/**
 * Draws the token strip <ol>: one item per token with its id, marked when
 * the vocabulary does not know it. Items are updated in place and added or
 * removed at the end, so typing does not rebuild the list.
 */
export function drawTokenStrip(list, encoding) {
  const { tokens, ids, unknown } = encoding;
  while (list.children.length > tokens.length) list.lastElementChild.remove();
  while (list.children.length < tokens.length) list.append(createTokenItem());

  tokens.forEach((token, index) => {
    const item = list.children[index];
    item.dataset.tokenIndex = String(index);
    item.classList.toggle("unknown", unknown[index]);
    if (!item.hasAttribute("tabindex")) item.tabIndex = -1;
    const [text, id] = item.querySelectorAll(".token-text, .token-id");
    if (text.textContent !== token) {
      text.textContent = token;
      text.title = token;
    }
    setText(id, `${unknown[index] ? "unknown, " : ""}id ${ids[index]}`);
  });
  // The strip is one Tab stop: keep it when the focused item was removed.
  if (tokens.length > 0 && !list.querySelector("[tabindex='0']")) {
    list.children[0].tabIndex = 0;
  }
}

function createTokenItem() {
  const item = document.createElement("li");
  item.className = "token";
  const text = document.createElement("span");
  text.className = "token-text";
  text.dir = "auto";
  const id = document.createElement("span");
  id.className = "token-id";
  item.append(text, " ", id);
  return item;
}

/**
 * Marks the strip's query token (`highlight.row`) and key token
 * (`highlight.col`); a null highlight clears the marks.
 */
export function highlightTokenStrip(list, highlight) {
  for (const item of list.children) {
    const index = Number(item.dataset.tokenIndex);
    item.classList.toggle("is-query", index === highlight?.row);
    item.classList.toggle("is-key", index === highlight?.col);
  }
}

/**
 * Makes container hold one table per head, in layer-major order, and marks
 * every table data-source="pending" until drawAttentionMatrix fills it with
 * the current result. Missing tables are added empty.
 */
export function prepareAttentionMatrices(container, numLayers, numHeads) {
  const tables = container.querySelectorAll("table.attention-matrix");
  // The build's tables are replaced, because their cells lack the tabindex
  // that keyboard navigation needs.
  if (tables.length !== numLayers * numHeads || tables[0].dataset.source === "static") {
    const created = [];
    for (let layer = 0; layer < numLayers; layer++) {
      for (let head = 0; head < numHeads; head++) {
        created.push(createTable(layer, head, 0));
      }
    }
    container.replaceChildren(...created);
  }
  for (const table of container.querySelectorAll("table.attention-matrix")) {
    table.dataset.source = "pending";
  }
}

/**
 * Draws the table of (layer, head) from weights, { data: Float32Array,
 * shape: [layers, heads, n, n] }, labelled with tokens, and marks it
 * data-source="live". A table of the right size is updated in place, so
 * typing does not rebuild the DOM. With `causal`, cells above the diagonal
 * are marked as masked. Returns the table.
 */
export function drawAttentionMatrix(container, layer, head, tokens, weights, { causal = false } = {}) {
  const [, numHeads, n] = weights.shape;
  let table = findMatrix(container, layer, head);
  if (!sameSize(table, n)) {
    const resized = createTable(layer, head, n);
    resized.hidden = table.hidden;
    table.replaceWith(resized);
    table = resized;
  }
  const offset = (layer * numHeads + head) * n * n;
  fillTable(table, tokens, weights.data.subarray(offset, offset + n * n), n, causal);
  table.dataset.source = "live";
  return table;
}

/** Returns the table of (layer, head) in container, or null. */
export function findMatrix(container, layer, head) {
  return container.querySelector(
    `table.attention-matrix[data-layer="${layer}"][data-head="${head}"]`,
  );
}

/**
 * Shows only the table of (layer, head) among the tables in container and
 * returns it, or null when there is none.
 */
export function showSelectedMatrix(container, layer, head) {
  let selected = null;
  for (const table of container.querySelectorAll("table.attention-matrix")) {
    const isSelected =
      table.dataset.layer === String(layer) && table.dataset.head === String(head);
    table.hidden = !isSelected;
    if (isSelected) selected = table;
  }
  return selected;
}

/**
 * Marks the row `highlight.row` and the column `highlight.col` of table, so
 * the cell where they cross carries both marks; null clears the marks.
 */
export function highlightMatrix(table, highlight) {
  for (const element of table.querySelectorAll(".in-row, .in-col")) {
    element.classList.remove("in-row", "in-col");
  }
  const row = highlight?.row ?? null;
  const col = highlight?.col ?? null;
  table.classList.toggle("highlighting", row !== null || col !== null);
  const rows = table.tBodies[0].rows;
  if (row !== null && rows[row]) {
    for (const cell of rows[row].cells) cell.classList.add("in-row");
  }
  if (col !== null) {
    table.tHead.rows[0].cells[col + 1]?.classList.add("in-col");
    for (const tableRow of rows) tableRow.cells[col + 1]?.classList.add("in-col");
  }
}

/** Returns the cell of table at (row, col), or null outside the table. */
export function matrixCell(table, row, col) {
  return table.tBodies[0].rows[row]?.cells[col + 1] ?? null;
}

function sameSize(table, n) {
  return table.tBodies[0].rows.length === n;
}

function createTable(layer, head, n) {
  const table = document.createElement("table");
  table.className = "attention-matrix";
  table.dataset.layer = String(layer);
  table.dataset.head = String(head);
  table.style.setProperty("--tokens", String(n));
  table.createCaption().textContent = `Layer ${layer + 1}, head ${head + 1}`;

  const headerRow = table.createTHead().insertRow();
  headerRow.append(document.createElement("td"));
  for (let col = 0; col < n; col++) {
    const label = document.createElement("th");
    label.scope = "col";
    label.dir = "auto";
    label.dataset.tokenIndex = String(col);
    headerRow.append(label);
  }

  const body = table.createTBody();
  for (let row = 0; row < n; row++) {
    const tableRow = body.insertRow();
    const label = document.createElement("th");
    label.scope = "row";
    label.dir = "auto";
    label.dataset.tokenIndex = String(row);
    tableRow.append(label);
    for (let col = 0; col < n; col++) {
      const cell = tableRow.insertCell();
      cell.dataset.row = String(row);
      cell.dataset.col = String(col);
      cell.tabIndex = row === 0 && col === 0 ? 0 : -1;
    }
  }
  return table;
}

function fillTable(table, tokens, values, n, causal) {
  const columnLabels = table.tHead.rows[0].cells;
  for (let col = 0; col < n; col++) {
    setText(columnLabels[col + 1], tokens[col]);
  }
  const rows = table.tBodies[0].rows;
  for (let row = 0; row < n; row++) {
    const cells = rows[row].cells;
    setText(cells[0], tokens[row]);
    for (let col = 0; col < n; col++) {
      const weight = values[row * n + col];
      const cell = cells[col + 1];
      const masked = causal && col > row;
      const className = `heat-${heatLevel(weight)}${masked ? " masked" : ""}`;
      if (cell.className !== className) cell.className = className;
      cell.dataset.value = attentionValue(weight);
      setText(cell, percent(weight));
    }
  }
}

// Skips unchanged text, which keeps the browser from replacing the text node.
function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}
