// Entry point of the live demo: tokenizes what the reader types, runs the
// exported model with TensorFlow.js and redraws the attention matrices.

import { drawAttentionMatrices, drawTokenStrip } from "./heatmap.js";
import { loadAttentionModel, runModel } from "./model.js";
import { Tokenizer } from "./tokenizer.js";

const demo = document.getElementById("demo");
if (demo) {
  start(demo);
}

async function start(demo) {
  const input = demo.querySelector("#sentence");
  const status = demo.querySelector("#demo-status");
  const strip = demo.querySelector(".token-strip");
  const grid = demo.querySelector("#attention-matrices");

  status.textContent = "Loading the model…";
  let model;
  let tokenizer;
  performance.mark("model-load-start");
  try {
    model = await loadAttentionModel(new URL("model/", document.baseURI));
    tokenizer = Tokenizer.fromJSON(model.tokenizerJson);
  } catch (error) {
    console.warn("The attention model failed to load:", error);
    status.textContent =
      "The model could not be loaded, so the matrices below are the example " +
      `computed when the site was built. (${error.message})`;
    return;
  }
  performance.measure("model-load", "model-load-start");

  // Only one forward pass runs at a time; keystrokes that arrive meanwhile
  // are folded into one more pass over the latest text.
  let running = false;
  let pending = false;
  async function update() {
    if (running) {
      pending = true;
      return;
    }
    running = true;
    try {
      do {
        pending = false;
        await compute(input.value);
      } while (pending);
    } catch (error) {
      console.warn("The attention update failed:", error);
      status.textContent = `Something went wrong while computing attention: ${error.message}`;
    } finally {
      running = false;
    }
  }

  async function compute(text) {
    const started = performance.now();
    const encoding = tokenizer.encode(text);
    if (encoding.ids.length === 0) {
      strip.replaceChildren();
      grid.replaceChildren();
      status.textContent = "Type a sentence to see its attention matrices.";
      return;
    }

    const outputs = await runModel(model, encoding.ids);
    drawTokenStrip(strip, encoding);
    drawAttentionMatrices(grid, encoding.tokens, outputs.attention_weights);
    performance.measure("attention-update", { start: started });

    const elapsed = (performance.now() - started).toFixed(1);
    let message =
      `Computed in your browser by TensorFlow.js (${model.backend} backend) ` +
      `for ${encoding.ids.length} tokens in ${elapsed} ms.`;
    if (encoding.truncated) {
      message +=
        ` The sentence has ${encoding.totalTokens} tokens; only the first ` +
        `${tokenizer.maxTokens} are used.`;
    }
    status.textContent = message;
  }

  input.addEventListener("input", update);
  await update();
}
