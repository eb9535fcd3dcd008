// Entry point of the live demo: loads the model, keeps the demo's state in
// one store and redraws the views from it. The views are drawing functions
// that take data and an element; this module decides what to redraw when the
// state changes.
//
// User Timing entries, which benchmarks/run.py reads:
// - "model-load" measures loading the model files.
// - "attention-update" measures each live update, from the input event (or
//   the change that caused it) until the selected head's table, the head
//   picker, the line view and an open step-through are drawn.
// - "attention-forward" measures the model's share of an update.
// - "attention-hidden-tables" measures filling the other tables after the
//   frame.
// - The mark "attention-first-draw" is set when the first live view is drawn.

import { createAnnouncer } from "./announcer.js";
import { createAttentionView } from "./attention_view.js";
import { installConsoleApi } from "./console_api.js";
import { setUpExplorer } from "./explorer_panel.js";
import { readHeatPalette } from "./head_picker.js";
import { bindHistory, locationHasState, stateFromLocation } from "./history_sync.js";
import { bindInteractions } from "./interactions.js";
import { findLinkTarget, pinToTop } from "./link_scroll.js";
import { resultMessage } from "./messages.js";
import {
  findNonFiniteOutput,
  getBackend,
  loadAttentionModel,
  runModel,
  useBackend,
  useFirstWorkingBackend,
} from "./model.js";
import { bindScrollCue } from "./scroll_cue.js";
import { setUpStepThrough } from "./step_panel.js";
import { createStore } from "./store.js";
import { Tokenizer } from "./tokenizer.js";

const demo = document.getElementById("demo");
if (demo) startDemo(demo);

async function startDemo(root) {
  const elements = {
    root,
    input: root.querySelector("#sentence"),
    status: root.querySelector("#demo-status"),
    announcement: root.querySelector("#demo-announcement"),
    strip: root.querySelector(".token-strip"),
    grid: root.querySelector("#attention-matrices"),
    gridFrame: root.querySelector(".attention-scroll"),
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
    // Pair 2 has a period of about 20 positions, which reads well at first.
    pePair: 2,
    peOffset: 1,
    pePosition: 0,
  });
  elements.input.value = store.state.sentence;
  elements.input.dir = "auto";
  elements.input.readOnly = false;
  const linkTarget = findLinkTarget(root, locationHasState(limits));
  const settleScroll = linkTarget ? pinToTop(linkTarget) : null;

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
      { history: "push", coalesce: "causal", inputTime: event.timeStamp },
    );
  });
  elements.picker.addEventListener("change", (event) => {
    const { layer, head } = event.target.dataset;
    store.update(
      { layer: Number(layer), head: Number(head) },
      { history: "push", coalesce: "head" },
    );
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

  const announce = createAnnouncer(elements.status, elements.announcement);
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
    // Nothing can be recomputed, so show the sentence the build-time
    // matrices belong to and stop accepting edits that would change nothing.
    elements.input.value = elements.input.defaultValue;
    elements.input.readOnly = true;
    announce(
      "The model could not be loaded, so this demo cannot compute new " +
        "matrices. Below is the example computed when the site was built, for " +
        `“${elements.input.defaultValue}”. Reloading the page may help.`,
      "error",
    );
    api.fail(error);
    settleScroll?.();
    return;
  }
  performance.measure("model-load", "model-load-start");

  const view = createAttentionView(elements, readHeatPalette(root));
  const stepThrough = setUpStepThrough(elements.stepThrough, store);
  const updateScrollCue = bindScrollCue(elements.grid, elements.gridFrame);
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

    if (backend !== "cpu") {
      // A GPU that computes in half precision can overflow; the CPU cannot.
      console.info(`The ${backend} backend returned NaN in ${invalid}; switching to the CPU.`);
      switchBackend("cpu").catch((error) => {
        console.warn("Switching to the CPU backend failed:", error);
      });
    } else {
      announce(
        `The model returned an invalid number in ${invalid}, so the matrices ` +
          "were not updated. Try another sentence.",
        "error",
      );
    }
    return null;
  }

  function announceResult(elapsed) {
    const { message, kind } = resultMessage(current, {
      backend: getBackend(),
      maxTokens: tokenizer.maxTokens,
      elapsed,
    });
    announce(message, kind);
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
        view.drawResult(current, state);
        redrawn = true;
      }
    }
    const selectionChanged = redrawn || changed.has("layer") || changed.has("head");
    if (selectionChanged) view.drawSelection(current, state);
    if (selectionChanged || changed.has("highlight")) view.drawHighlight(current, state);
    if (selectionChanged || changed.has("step")) stepThrough.draw(state, current);
    if (selectionChanged) updateScrollCue();
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
  settleScroll?.();
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

function sameTokens(first, second) {
  return first.length === second.length && first.every((token, index) => token === second[index]);
}
