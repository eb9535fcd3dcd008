// Draws one model result into the demo's views: the token strip, one table
// per head, the head picker's images and the line view. It also marks what
// the reader points at. `result` is { encoding, outputs, causal }, with
// outputs null for an empty sentence, and `state` is the store's state.

import { clearHeadPicker, drawHeadPicker, selectInHeadPicker } from "./head_picker.js";
import {
  drawAttentionMatrix,
  drawTokenStrip,
  findMatrix,
  highlightMatrix,
  highlightTokenStrip,
  prepareAttentionMatrices,
  showSelectedMatrix,
} from "./heatmap.js";
import { clearLineView, drawLineView, highlightLineView } from "./line_view.js";
import { describeHighlight } from "./messages.js";

/** Milliseconds the hidden tables may wait for an idle period. */
const HIDDEN_TABLES_TIMEOUT_MS = 200;

/**
 * Returns { drawResult, drawSelection, drawHighlight } for the demo's
 * elements; palette is the heat scale's colors from readHeatPalette.
 */
export function createAttentionView(elements, palette) {
  // Only the selected head's table is visible, so the other tables are
  // filled after the frame, once the browser is idle.
  let pendingTables = null;

  function drawTable(result, layer, head) {
    const { encoding, outputs, causal } = result;
    drawAttentionMatrix(elements.grid, layer, head, encoding.tokens, outputs.attention_weights, {
      causal,
    });
  }

  function drawPendingTables(result) {
    const started = performance.now();
    for (const table of elements.grid.querySelectorAll("table[data-source='pending']")) {
      drawTable(result, Number(table.dataset.layer), Number(table.dataset.head));
    }
    performance.measure("attention-hidden-tables", { start: started });
  }

  /** Draws a new result: the strip, the selected table now and the rest later. */
  function drawResult(result, state) {
    cancelIdle(pendingTables);
    const { encoding, outputs } = result;
    // The style sheet hides the line view's caption and the color scale,
    // which describe matrices that an empty sentence does not have.
    elements.root.toggleAttribute("data-empty", !outputs);
    if (!outputs) {
      elements.strip.replaceChildren();
      elements.grid.replaceChildren();
      clearHeadPicker(elements.picker);
      clearLineView(elements.lineView);
      return;
    }
    const [numLayers, numHeads] = outputs.attention_weights.shape;
    drawTokenStrip(elements.strip, encoding);
    prepareAttentionMatrices(elements.grid, numLayers, numHeads);
    drawTable(result, state.layer, state.head);
    drawHeadPicker(elements.picker, outputs.attention_weights, palette);
    pendingTables = requestIdle(() => drawPendingTables(result));
  }

  /** Shows the selected head's table and draws its line view. */
  function drawSelection(result, state) {
    selectInHeadPicker(elements.picker, state.layer, state.head);
    elements.lineCaption.textContent = `layer ${state.layer + 1}, head ${state.head + 1}`;
    if (!result.outputs) return;
    if (findMatrix(elements.grid, state.layer, state.head)?.dataset.source === "pending") {
      drawTable(result, state.layer, state.head);
    }
    showSelectedMatrix(elements.grid, state.layer, state.head);
    drawLineView(elements.lineView, result.encoding.tokens, selectedWeights(result, state));
  }

  /** Marks the highlighted row and column in every view and describes them. */
  function drawHighlight(result, state) {
    const n = result.encoding.ids.length;
    const highlight =
      state.highlight && state.highlight.row < n && state.highlight.col < n
        ? state.highlight
        : null;
    const table = showSelectedMatrix(elements.grid, state.layer, state.head);
    if (table) highlightMatrix(table, highlight);
    highlightTokenStrip(elements.strip, highlight);
    highlightLineView(elements.lineView, highlight);
    const weights = result.outputs ? selectedWeights(result, state) : null;
    elements.detail.textContent = describeHighlight(result, weights, highlight);
  }

  return { drawResult, drawSelection, drawHighlight };
}

// Returns the selected head's n × n weights, row-major.
function selectedWeights(result, state) {
  const weights = result.outputs.attention_weights;
  const [, numHeads, n] = weights.shape;
  const offset = (state.layer * numHeads + state.head) * n * n;
  return weights.data.subarray(offset, offset + n * n);
}

// Runs callback when the browser is idle, or after HIDDEN_TABLES_TIMEOUT_MS
// at the latest, and returns a handle for cancelIdle.
function requestIdle(callback) {
  if ("requestIdleCallback" in window) {
    return { idle: requestIdleCallback(callback, { timeout: HIDDEN_TABLES_TIMEOUT_MS }) };
  }
  return { timeout: setTimeout(callback, 50) };
}

function cancelIdle(handle) {
  if (handle?.idle !== undefined) cancelIdleCallback(handle.idle);
  if (handle?.timeout !== undefined) clearTimeout(handle.timeout);
}
