// Wires the positional-encoding explorer's <details> and sliders to the
// store. Its drawing code and data are fetched the first time the reader
// opens it.

const FIELDS = { pePair: "#pe-pair", peOffset: "#pe-offset", pePosition: "#pe-position" };

/** Shows the explorer and redraws it whenever its sliders change the store. */
export function setUpExplorer(details, store) {
  const sliders = Object.fromEntries(
    Object.entries(FIELDS).map(([field, selector]) => [field, details.querySelector(selector)]),
  );
  const message = details.querySelector(".pe-message");
  const body = details.querySelector(".pe-body");
  let drawing = null;
  let data = null;

  function draw(state) {
    if (!data) return;
    sliders.pePosition.max = String(data.num_positions - 1 - state.peOffset);
    for (const [field, slider] of Object.entries(sliders)) {
      slider.value = String(state[field]);
    }
    drawing.drawExplorer(body, data, {
      pair: state.pePair,
      offset: state.peOffset,
      position: state.pePosition,
    });
  }

  details.addEventListener("toggle", async () => {
    if (!details.open || data) return;
    message.textContent = "Loading the positional encoding…";
    message.hidden = false;
    try {
      drawing = await import("./pe_explorer.js");
      data = await drawing.loadExplorerData(
        new URL("assets/pe-explorer.json", document.baseURI).href,
      );
    } catch (error) {
      console.warn("The positional-encoding explorer failed to load:", error);
      message.textContent =
        "The positional encoding could not be loaded, so the explorer is " +
        `unavailable. (${error.message})`;
      return;
    }
    sliders.pePair.max = String(data.d_model / 2 - 1);
    sliders.peOffset.max = String(data.max_offset);
    message.hidden = true;
    body.hidden = false;
    draw(store.state);
  });

  for (const [field, slider] of Object.entries(sliders)) {
    slider.addEventListener("input", () => {
      const changes = { [field]: Number(slider.value) };
      if (field === "peOffset" && data) {
        const lastPosition = data.num_positions - 1 - changes.peOffset;
        changes.pePosition = Math.min(store.state.pePosition, lastPosition);
      }
      store.update(changes, { history: "none" });
    });
  }

  store.subscribe((state, changed) => {
    if (Object.keys(FIELDS).some((field) => changed.has(field))) draw(state);
  });
  details.hidden = false;
}
