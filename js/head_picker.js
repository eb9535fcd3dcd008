// Draws every head's attention weights as a small image on its radio button
// in the head picker, so all heads can be compared at a glance and one picked
// for the large matrix. The images are decorative (aria-hidden): the radio's
// label names the head, and the weights are in the tables.

import { HEAT_LEVELS, heatLevel } from "./format.js";

/**
 * Reads the 16 colors of the .heat-0 ... .heat-15 classes from the style
 * sheet, as [r, g, b] arrays, so the images use the tables' color scale.
 */
export function readHeatPalette(container) {
  const probe = document.createElement("span");
  probe.hidden = true;
  container.append(probe);
  const palette = [];
  for (let level = 0; level < HEAT_LEVELS; level++) {
    probe.className = `heat-${level}`;
    const color = getComputedStyle(probe).backgroundColor;
    const channels = color.match(/\d+(\.\d+)?/g)?.slice(0, 3).map(Number);
    palette.push(channels?.length === 3 ? channels : [0, 0, 0]);
  }
  probe.remove();
  return palette;
}

/**
 * Paints each canvas[data-layer][data-head] in picker with its head's weights,
 * { data, shape: [layers, heads, n, n] }: one pixel per weight, scaled up by
 * CSS.
 */
export function drawHeadPicker(picker, weights, palette) {
  const [, numHeads, n] = weights.shape;
  delete picker.dataset.empty;
  for (const canvas of picker.querySelectorAll("canvas[data-layer][data-head]")) {
    const index = Number(canvas.dataset.layer) * numHeads + Number(canvas.dataset.head);
    const values = weights.data.subarray(index * n * n, (index + 1) * n * n);
    if (canvas.width !== n || canvas.height !== n) {
      canvas.width = n;
      canvas.height = n;
    }
    const image = new ImageData(n, n);
    for (let cell = 0; cell < n * n; cell++) {
      const [red, green, blue] = palette[heatLevel(values[cell])];
      image.data[cell * 4] = red;
      image.data[cell * 4 + 1] = green;
      image.data[cell * 4 + 2] = blue;
      image.data[cell * 4 + 3] = 255;
    }
    canvas.getContext("2d").putImageData(image, 0, 0);
  }
}

/**
 * Blanks every image in the picker and marks it data-empty, for an empty
 * sentence. The style sheet then draws each image as an empty frame, as
 * blank as the matrix area, instead of the dark color of a zero weight.
 */
export function clearHeadPicker(picker) {
  picker.dataset.empty = "";
  for (const canvas of picker.querySelectorAll("canvas")) {
    canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
  }
}

/** Checks the radio button of (layer, head). */
export function selectInHeadPicker(picker, layer, head) {
  const radio = picker.querySelector(
    `input[type="radio"][data-layer="${layer}"][data-head="${head}"]`,
  );
  if (radio) radio.checked = true;
}
