// Entry point of the live demo: loads the model, keeps the demo's state in
// one store and redraws the views from it. The views are drawing functions
// that take data and an element; this module decides what to redraw when the
// state changes.
//
// Performance marks: "model-load" measures loading the model files, and
// "attention-update" each live update, from the input event (or the change
// that caused it) until the matrices, the head picker, the line view and an
// open step-through are drawn. "attention-forward" is the model's share.

import { createAnnouncer } from "./announcer.js";
import { installConsoleApi } from "./console_api.js";
import {
  clearHeadPicker,
  drawHeadPicker,
  readHeatPalette,
  selectInHeadPicker,
} from "./head_picker.js";
import {
  drawAttentionMatrix,
  drawTokenStrip,
  findMatrix,
  highlightMatrix,
  highlightTokenStrip,
  prepareAttentionMatrices,
  showSelectedMatrix,
} from "./heatmap.js";
import { bindHistory, stateFromLocation } from "./history_sync.js";
import { bindInteractions } from "./interactions.js";
import { clearLineView, drawLineView, highlightLineView } from "./line_view.js";
import {
  findNonFiniteOutput,
  getBackend,
  loadAttentionModel,
  runModel,
  useBackend,
  useFirstWorkingBackend,
} from "./model.js";
import { setUpExplorer } from "./explorer_panel.js";
import { setUpStepThrough } from "./step_panel.js";
import { createStore } from "./store.js";
import { Tokenizer } from "./tokenizer.js";

const demo = document.getElementById("demo");
if (demo) startDemo(demo);

async function startDemo(root) {
  const elements = {
    input: root.querySelector("#sentence"),
    status: root.querySelector("#demo-status"),
    strip: root.querySelector(".token-strip"),
    grid: root.querySelector("#attention-matrices"),
    picker: root.querySelector("#head-picker"),
    causal: root.querySelector("#causal-mask"),
    detail: root.querySelector("#attention-detail"),
    lineFigure: root.querySelector("#line-view"),
    lineView: root.querySelector("#line-view svg"),
    lineCaption: root.querySelector("#line-view [data-fill='head']"),
    stepThrough: root.querySelector("#step-through"),
    explorer: root.querySelector("#pe-explorer"),
  };
  const limits = {
    numLayers: Number(root.dataset.numLayers),
    numHeads: Number(root.dataset.numHeads),
  };
  const defaults = { sentence: elements.input.value, layer: 0, head: 0, causal: false };
  const store = createStore({
    ...(stateFromLocation(defaults, limits) ?? defaults),
    highlight: null,
    backend: null,
    step: 0,
    pePair: 0,
    peOffset: 1,
    pePosition: 0,
  });
  elements.input.value = store.state.sentence;
  elements.input.dir = "auto";

  // The explorer needs no model, so it works even when the model fails.
  setUpExplorer(elements.explorer, store);

  // Controls write to the store from the start, so what the reader types
  // while the model loads is what the first live update shows.
  bindHistory(store, defaults, limits);
  elements.input.addEventListener("input", (event) => {
    store.update(
      { sentence: elements.input.value },
      { history: "replace", inputTime: event.timeStamp },
    );
  });
  elements.causal.addEventListener("change", (event) => {
    store.update(
      { causal: elements.causal.checked },
      { history: "push", inputTime: event.timeStamp },
    );
  });
  elements.picker.addEventListener("change", (event) => {
    const { layer, head } = event.target.dataset;
    store.update({ layer: Number(layer), head: Number(head) }, { history: "push" });
  });
  store.subscribe((state, changed) => {
    if (changed.has("sentence") && elements.input.value !== state.sentence) {
      elements.input.value = state.sentence;
    }
    if (changed.has("causal")) {
      elements.causal.checked = state.causal;
      root.classList.toggle("causal", state.causal);
    }
  });

  const announce = createAnnouncer(elements.status);
  const api = installConsoleApi();
  announce("Loading the model…", "loading");

  let model;
  let tokenizer;
  performance.mark("model-load-start");
  try {
    await useFirstWorkingBackend();
    model = await loadAttentionModel(new URL("model/", document.baseURI));
    tokenizer = Tokenizer.fromJSON(model.tokenizerJson);
    checkModel(model, tokenizer.encode(store.state.sentence).ids);
  } catch (error) {
    console.warn("The attention model failed to load:", error);
    announce(
      "The model could not be loaded, so the matrices below are the example " +
        `computed when the site was built. (${error.message})`,
      "error",
    );
    api.fail(error);
    return;
  }
  performance.measure("model-load", "model-load-start");

  const palette = readHeatPalette(root);
  const stepThrough = setUpStepThrough(elements.stepThrough, store);
  let current = null;

  // Recomputes the model's outputs for the state, or returns null after
  // reporting why it could not.
  function compute(state) {
    const encoding = tokenizer.encode(state.sentence);
    const backend = getBackend();
    if (encoding.ids.length === 0) return { encoding, outputs: null, causal: state.causal };
    // A keystroke that leaves the tokens as they were, such as a trailing
    // space, keeps the outputs, so the views need no redraw.
    if (
      current?.outputs &&
      current.causal === state.causal &&
      current.backend === backend &&
      sameTokens(current.encoding.tokens, encoding.tokens)
    ) {
      return { ...current, encoding };
    }
    const started = performance.now();
    const outputs = runModel(model, encoding.ids, state.causal);
    performance.measure("attention-forward", { start: started });
    const invalid = findNonFiniteOutput(outputs);
    if (invalid === null) return { encoding, outputs, causal: state.causal, backend };

    if (getBackend() !== "cpu") {
      // A GPU that computes in half precision can overflow; the CPU cannot.
      console.info(`The ${getBackend()} backend returned NaN in ${invalid}; using the CPU.`);
      switchBackend("cpu");
    } else {
      announce(
        `The model returned an invalid number in ${invalid}, so the matrices ` +
          "were not updated. Try another sentence.",
        "error",
      );
    }
    return null;
  }

  // Only the selected head's table is visible, so the other tables are
  // filled after the frame, once the browser is idle.
  let pendingTables = null;

  function drawResult(state) {
    const { encoding, outputs } = current;
    cancelIdle(pendingTables);
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
    drawTable(state.layer, state.head);
    drawHeadPicker(elements.picker, outputs.attention_weights, palette);
    pendingTables = requestIdle(drawPendingTables);
  }

  function drawTable(layer, head) {
    const { encoding, outputs, causal } = current;
    drawAttentionMatrix(elements.grid, layer, head, encoding.tokens, outputs.attention_weights, {
      causal,
    });
  }

  function drawPendingTables() {
    const started = performance.now();
    for (const table of elements.grid.querySelectorAll("table[data-source='pending']")) {
      drawTable(Number(table.dataset.layer), Number(table.dataset.head));
    }
    performance.measure("attention-hidden-tables", { start: started });
  }

  function drawSelection(state) {
    selectInHeadPicker(elements.picker, state.layer, state.head);
    elements.lineCaption.textContent = `layer ${state.layer + 1}, head ${state.head + 1}`;
    if (!current.outputs) return;
    if (findMatrix(elements.grid, state.layer, state.head)?.dataset.source === "pending") {
      drawTable(state.layer, state.head);
    }
    showSelectedMatrix(elements.grid, state.layer, state.head);
    drawLineView(elements.lineView, current.encoding.tokens, selectedWeights(state));
  }

  function drawHighlight(state) {
    const n = current.encoding.ids.length;
    const highlight =
      state.highlight && state.highlight.row < n && state.highlight.col < n
        ? state.highlight
        : null;
    const table = showSelectedMatrix(elements.grid, state.layer, state.head);
    if (table) highlightMatrix(table, highlight);
    highlightTokenStrip(elements.strip, highlight);
    highlightLineView(elements.lineView, highlight);
    elements.detail.textContent = describeHighlight(state, highlight);
  }

  function selectedWeights(state) {
    const weights = current.outputs.attention_weights;
    const [, numHeads, n] = weights.shape;
    const offset = (state.layer * numHeads + state.head) * n * n;
    return weights.data.subarray(offset, offset + n * n);
  }

  function describeHighlight(state, highlight) {
    if (!current.outputs) return "";
    if (!highlight) {
      return "Point at or focus a cell to read its weight, or a token to mark its row and column.";
    }
    const tokens = current.encoding.tokens;
    if (highlight.kind === "token") {
      return (
        `“${shorten(tokens[highlight.row])}” (token ${highlight.row + 1}): its row ` +
        "shows what it attends to, its column which tokens attend to it."
      );
    }
    const n = tokens.length;
    const weight = selectedWeights(state)[highlight.row * n + highlight.col];
    const masked = current.causal && highlight.col > highlight.row;
    return (
      `Query “${shorten(tokens[highlight.row])}” (token ${highlight.row + 1}) → ` +
      `key “${shorten(tokens[highlight.col])}” (token ${highlight.col + 1}): ` +
      `weight ${weight.toFixed(4)}${masked ? ", masked by the causal mask" : ""}.`
    );
  }

  function announceResult(elapsed) {
    const { encoding, outputs, causal } = current;
    if (!outputs) {
      announce("Type a sentence to see its attention matrices.", "empty");
      return;
    }
    let message =
      `Computed in your browser by TensorFlow.js (${getBackend()} backend) ` +
      `for ${encoding.ids.length} tokens in ${elapsed.toFixed(1)} ms.`;
    if (causal) {
      message += " The causal mask is on: each token attends only to itself and earlier tokens.";
    }
    if (encoding.truncated) {
      message +=
        ` The sentence has ${encoding.totalTokens} tokens; only the first ` +
        `${tokenizer.maxTokens} are used.`;
    }
    announce(message, `${encoding.truncated ? "truncated" : "computed"}-${causal}`);
  }

  function render(state, changed, meta) {
    const started = meta.inputTime ?? performance.now();
    const inputsChanged =
      changed.has("sentence") || changed.has("causal") || changed.has("backend");
    let redrawn = false;
    if (inputsChanged) {
      let next;
      try {
        next = compute(state);
      } catch (error) {
        console.warn("The attention update failed:", error);
        announce(`Something went wrong while computing attention: ${error.message}`, "error");
        return;
      }
      if (next === null) return;
      const reused = next.outputs !== null && next.outputs === current?.outputs;
      current = next;
      if (reused) {
        announceResult(performance.now() - started);
      } else {
        drawResult(state);
        redrawn = true;
      }
    }
    const selectionChanged = redrawn || changed.has("layer") || changed.has("head");
    if (selectionChanged) drawSelection(state);
    if (selectionChanged || changed.has("highlight")) drawHighlight(state);
    if (selectionChanged || changed.has("step")) {
      stepThrough.draw(state, current);
    }
    if (redrawn) {
      performance.measure("attention-update", { start: started });
      announceResult(performance.now() - started);
    }
  }

  async function switchBackend(name) {
    const active = await useBackend(name);
    store.update({ backend: active }, { history: "none" });
    return active;
  }

  store.subscribe(render);
  bindInteractions([elements.grid, elements.strip, elements.lineFigure], store);

  elements.causal.checked = store.state.causal;
  root.classList.toggle("causal", store.state.causal);
  for (const element of [elements.picker, elements.causal.parentElement, elements.detail]) {
    element.hidden = false;
  }
  elements.lineFigure.hidden = false;
  elements.stepThrough.hidden = false;
  root.classList.add("demo-live");

  store.update({ backend: getBackend() }, { history: "none" });
  performance.mark("attention-first-draw");
  api.connect({ model, tokenizer, switchBackend });
}

// Runs the model once and throws when it returns NaN or infinity, which
// points to corrupt weights.
function checkModel(model, ids) {
  const outputs = runModel(model, ids.length > 0 ? ids : [1]);
  const invalid = findNonFiniteOutput(outputs);
  if (invalid !== null) {
    throw new Error(`the model's ${invalid} output is not a number; its weights may be corrupt`);
  }
}

// Runs callback when the browser is idle, or within 200 ms, and returns a
// handle for cancelIdle.
function requestIdle(callback) {
  if ("requestIdleCallback" in window) {
    return { idle: requestIdleCallback(callback, { timeout: 200 }) };
  }
  return { timeout: setTimeout(callback, 50) };
}

function cancelIdle(handle) {
  if (handle?.idle !== undefined) cancelIdleCallback(handle.idle);
  if (handle?.timeout !== undefined) clearTimeout(handle.timeout);
}

function sameTokens(first, second) {
  return first.length === second.length && first.every((token, index) => token === second[index]);
}

function shorten(token) {
  const characters = Array.from(token);
  return characters.length > 40 ? `${characters.slice(0, 39).join("")}…` : token;
}
