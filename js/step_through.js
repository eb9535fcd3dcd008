// Fills the step-through: the path of the typed sentence through one
// attention head, one step at a time, with the model's own intermediate
// values. The step panels and their formulas are in the page's markup; this
// module draws each step's numbers as tables and shows the current step.

import { heatLevel } from "./format.js";

/** Identifiers of the steps, in order, as in the panels' data-step. */
export const STEP_IDS = [
  "input",
  "query",
  "key",
  "value",
  "scores",
  "scaled_scores",
  "attention_weights",
  "head_outputs",
];

/**
 * Shows step number `step` (0-based) of container and draws its tables for
 * (layer, head) from outputs, the model's { data, shape } arrays by name.
 */
export function drawStepThrough(container, { tokens, outputs, layer, head, step, causal }) {
  const stepId = STEP_IDS[step];
  for (const panel of container.querySelectorAll("[data-step-panel]")) {
    panel.hidden = panel.dataset.stepPanel !== stepId;
  }
  for (const button of container.querySelectorAll("button[data-step]")) {
    if (Number(button.dataset.step) === step) {
      button.setAttribute("aria-current", "step");
    } else {
      button.removeAttribute("aria-current");
    }
  }
  // aria-disabled instead of disabled keeps a pressed button focused at the
  // first and last step.
  const previous = container.querySelector("[data-step-move='-1']");
  const next = container.querySelector("[data-step-move='1']");
  previous.setAttribute("aria-disabled", String(step === 0));
  next.setAttribute("aria-disabled", String(step === STEP_IDS.length - 1));

  const dK = outputs.query.shape[3];
  for (const element of container.querySelectorAll("[data-fill='d-k']")) {
    element.textContent = String(dK);
  }
  for (const element of container.querySelectorAll("[data-fill='sqrt-d-k']")) {
    element.textContent = Math.sqrt(dK).toFixed(3);
  }
  for (const element of container.querySelectorAll("[data-fill='head']")) {
    element.textContent = `layer ${layer + 1}, head ${head + 1}`;
  }

  const panel = container.querySelector(`[data-step-panel="${stepId}"]`);
  for (const variant of panel.querySelectorAll("[data-when]")) {
    variant.hidden = variant.dataset.when !== (layer === 0 ? "first-layer" : "later-layer");
  }
  const specs = tableSpecs(stepId, outputs, layer, head, causal);
  drawTables(panel.querySelector(".step-tables"), tokens, specs);
}

// Returns what to draw for one step: a list of
// { output, layer, head, caption, values, columns, heat, masked }. With
// `masked`, the cells above the diagonal are hatched as the causal mask's.
function tableSpecs(stepId, outputs, layer, head, causal = false) {
  if (stepId === "input") {
    if (layer > 0) {
      return [
        {
          output: "layer_output",
          layer: layer - 1,
          caption: `X: the output of layer ${layer}`,
          values: slice(outputs.layer_output, [layer - 1]),
          columns: "dimensions",
        },
      ];
    }
    return [
      {
        output: "token_embeddings",
        caption: "E[t]: the token embeddings",
        values: slice(outputs.token_embeddings, []),
        columns: "dimensions",
      },
      {
        output: "positional_encoding",
        caption: "PE: the positional encoding",
        values: slice(outputs.positional_encoding, []),
        columns: "dimensions",
      },
      {
        output: "embedded",
        caption: "X = E[t] + PE",
        values: slice(outputs.embedded, []),
        columns: "dimensions",
      },
    ];
  }
  const captions = {
    query: "Q: one row per query token",
    key: "K: one row per key token",
    value: "V: one row per token",
    scores: "S = QKᵀ: rows are queries, columns are keys",
    scaled_scores: "S / √dₖ",
    attention_weights: "A: each row sums to 1",
    head_outputs: "Z = AV: one row per token",
  };
  const isSquare = ["scores", "scaled_scores", "attention_weights"].includes(stepId);
  return [
    {
      output: stepId,
      layer,
      head,
      caption: captions[stepId],
      values: slice(outputs[stepId], [layer, head]),
      columns: isSquare ? "tokens" : "dimensions",
      heat: stepId === "attention_weights",
      masked: causal && stepId === "attention_weights",
    },
  ];
}

// Returns the 2-D block of { data, shape } at the leading indices `prefix`,
// as { data: Float32Array view, rows, cols }.
function slice({ data, shape }, prefix) {
  const rows = shape[prefix.length];
  const cols = shape[prefix.length + 1];
  let offset = 0;
  let stride = rows * cols;
  for (let axis = prefix.length - 1; axis >= 0; axis--) {
    offset += prefix[axis] * stride;
    stride *= shape[axis];
  }
  return { data: data.subarray(offset, offset + rows * cols), rows, cols };
}

function drawTables(container, tokens, specs) {
  let tables = [...container.querySelectorAll("table.step-matrix")];
  const fits =
    tables.length === specs.length &&
    specs.every((spec, index) => sameShape(tables[index], spec));
  if (!fits) {
    tables = specs.map((spec) => createTable(spec));
    container.replaceChildren(...tables);
  }
  specs.forEach((spec, index) => fillTable(tables[index], tokens, spec));
}

function sameShape(table, spec) {
  return (
    table.dataset.output === spec.output &&
    table.tBodies[0].rows.length === spec.values.rows &&
    table.tHead.rows[0].cells.length === spec.values.cols + 1
  );
}

function createTable(spec) {
  const table = document.createElement("table");
  table.className = "step-matrix";
  table.dataset.output = spec.output;
  // A wide table scrolls sideways, and keyboard users scroll it once focused.
  table.tabIndex = 0;
  table.createCaption();
  const headerRow = table.createTHead().insertRow();
  headerRow.append(document.createElement("td"));
  for (let col = 0; col < spec.values.cols; col++) {
    const label = document.createElement("th");
    label.scope = "col";
    label.dir = "auto";
    headerRow.append(label);
  }
  const body = table.createTBody();
  for (let row = 0; row < spec.values.rows; row++) {
    const tableRow = body.insertRow();
    const label = document.createElement("th");
    label.scope = "row";
    label.dir = "auto";
    tableRow.append(label);
    for (let col = 0; col < spec.values.cols; col++) {
      const cell = tableRow.insertCell();
      cell.dataset.row = String(row);
      cell.dataset.col = String(col);
    }
  }
  return table;
}

function fillTable(table, tokens, spec) {
  setData(table, "layer", spec.layer);
  setData(table, "head", spec.head);
  setText(table.caption, spec.caption);
  const { data, rows, cols } = spec.values;
  const columnLabels = table.tHead.rows[0].cells;
  for (let col = 0; col < cols; col++) {
    setText(columnLabels[col + 1], spec.columns === "tokens" ? tokens[col] : String(col));
  }
  const tableRows = table.tBodies[0].rows;
  for (let row = 0; row < rows; row++) {
    const cells = tableRows[row].cells;
    setText(cells[0], tokens[row]);
    for (let col = 0; col < cols; col++) {
      const value = data[row * cols + col];
      const cell = cells[col + 1];
      cell.dataset.value = value.toPrecision(8);
      setText(cell, formatNumber(value));
      if (spec.heat) {
        const masked = spec.masked && col > row;
        cell.className = `heat-${heatLevel(value)}${masked ? " masked" : ""}`;
      }
    }
  }
}

// Two decimals, without a minus sign on values that round to zero.
function formatNumber(value) {
  const text = value.toFixed(2);
  return text === "-0.00" ? "0.00" : text;
}

function setData(element, key, value) {
  if (value === undefined) {
    delete element.dataset[key];
  } else {
    element.dataset[key] = String(value);
  }
}

function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}
