// Wires the step-through's <details> to the store. Its drawing code, in
// step_through.js, is imported the first time the reader opens it.

/**
 * Binds the step buttons of `details` to the store's `step` and returns
 * { draw(state, current) }, which redraws the open step-through for the
 * selected head and the latest model result.
 */
export function setUpStepThrough(details, store) {
  let drawing = null;
  let latest = null;
  const empty = details.querySelector(".step-empty");
  const body = details.querySelector(".step-body");

  function draw() {
    if (!details.open || !drawing || !latest) return;
    const { state, current } = latest;
    const hasOutputs = Boolean(current?.outputs);
    empty.hidden = hasOutputs;
    body.hidden = !hasOutputs;
    if (!hasOutputs) return;
    drawing.drawStepThrough(body, {
      tokens: current.encoding.tokens,
      outputs: current.outputs,
      layer: state.layer,
      head: state.head,
      step: state.step,
      causal: current.causal,
    });
  }

  details.addEventListener("toggle", async () => {
    if (!details.open || drawing) return;
    try {
      drawing = await import("./step_through.js");
    } catch (error) {
      console.warn("The step-through failed to load:", error);
      empty.textContent = "The step-through could not be loaded. Reload the page to try again.";
      empty.hidden = false;
      return;
    }
    draw();
  });

  details.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-step], button[data-step-move]");
    if (!button || button.getAttribute("aria-disabled") === "true") return;
    const count = details.querySelectorAll("button[data-step]").length;
    const step =
      button.dataset.step !== undefined
        ? Number(button.dataset.step)
        : store.state.step + Number(button.dataset.stepMove);
    store.update({ step: Math.min(Math.max(step, 0), count - 1) }, { history: "none" });
  });

  return {
    draw(state, current) {
      latest = { state, current };
      draw();
    },
  };
}
