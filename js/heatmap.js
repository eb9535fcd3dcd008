// Draws attention matrices as tables, one per layer and head, and the token
// strip above them. Text is always inserted with textContent, never as HTML.

import { attentionValue, heatLevel, percent } from "./format.js";

/** Replaces the items of the token strip <ol> with one per token. */
export function drawTokenStrip(list, encoding) {
  const items = encoding.tokens.map((token, index) => {
    const item = document.createElement("li");
    item.className = encoding.unknown[index] ? "token unknown" : "token";
    item.dataset.tokenIndex = String(index);
    const text = document.createElement("span");
    text.className = "token-text";
    text.textContent = token;
    const id = document.createElement("span");
    id.className = "token-id";
    id.textContent = `${encoding.unknown[index] ? "unknown, " : ""}id ${encoding.ids[index]}`;
    item.append(text, " ", id);
    return item;
  });
  list.replaceChildren(...items);
}

/**
 * Draws weights, { data: Float32Array, shape: [layers, heads, n, n] }, as one
 * table per head into container, labelled with tokens. Tables of the right
 * size are updated in place, so typing does not rebuild the DOM.
 */
export function drawAttentionMatrices(container, tokens, weights, source = "live") {
  const [numLayers, numHeads, n] = weights.shape;
  let tables = container.querySelectorAll("table.attention-matrix");
  if (tables.length !== numLayers * numHeads || !sameSize(tables[0], n)) {
    container.replaceChildren();
    for (let layer = 0; layer < numLayers; layer++) {
      for (let head = 0; head < numHeads; head++) {
        container.append(createTable(layer, head, n));
      }
    }
    tables = container.querySelectorAll("table.attention-matrix");
  }

  tables.forEach((table, index) => {
    const offset = index * n * n;
    fillTable(table, tokens, weights.data.subarray(offset, offset + n * n), n);
    table.dataset.source = source;
  });
}

function sameSize(table, n) {
  return table.tBodies[0].rows.length === n;
}

function createTable(layer, head, n) {
  const table = document.createElement("table");
  table.className = "attention-matrix";
  table.dataset.layer = String(layer);
  table.dataset.head = String(head);
  table.createCaption().textContent = `Layer ${layer + 1}, head ${head + 1}`;

  const headerRow = table.createTHead().insertRow();
  headerRow.append(document.createElement("td"));
  for (let col = 0; col < n; col++) {
    const label = document.createElement("th");
    label.scope = "col";
    label.dataset.tokenIndex = String(col);
    headerRow.append(label);
  }

  const body = table.createTBody();
  for (let row = 0; row < n; row++) {
    const tableRow = body.insertRow();
    const label = document.createElement("th");
    label.scope = "row";
    label.dataset.tokenIndex = String(row);
    tableRow.append(label);
    for (let col = 0; col < n; col++) {
      const cell = tableRow.insertCell();
      cell.dataset.row = String(row);
      cell.dataset.col = String(col);
    }
  }
  return table;
}

function fillTable(table, tokens, values, n) {
  const columnLabels = table.tHead.rows[0].cells;
  for (let col = 0; col < n; col++) {
    columnLabels[col + 1].textContent = tokens[col];
  }
  const rows = table.tBodies[0].rows;
  for (let row = 0; row < n; row++) {
    const cells = rows[row].cells;
    cells[0].textContent = tokens[row];
    for (let col = 0; col < n; col++) {
      const weight = values[row * n + col];
      const cell = cells[col + 1];
      cell.className = `heat-${heatLevel(weight)}`;
      cell.dataset.value = attentionValue(weight);
      cell.textContent = percent(weight);
    }
  }
}
