// Draws the positional-encoding explorer from the table and rotations that
// the build ships in assets/pe-explorer.json: for one pair of dimensions
// (2i, 2i+1), the sine and cosine over positions, and how the rotation M_k
// carries PE(pos) onto PE(pos + k). Nothing is recomputed from the formula:
// every number drawn comes from the file.

const SVG_NS = "http://www.w3.org/2000/svg";

// The bottom margin has room for two lines: the tick labels, then the axis title.
const WAVES = { width: 400, height: 182, left: 34, right: 10, top: 12, bottom: 40 };
const CIRCLE = { size: 220, radius: 86 };

/** Fetches and checks the explorer's data; throws with the reason on failure. */
export async function loadExplorerData(url) {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`loading ${url} failed with HTTP status ${response.status}`);
  }
  const data = await response.json();
  const { d_model: dModel, num_positions: numPositions, max_offset: maxOffset } = data;
  const valid =
    Number.isInteger(dModel) &&
    dModel >= 2 &&
    Number.isInteger(numPositions) &&
    numPositions > maxOffset &&
    data.positional_encoding?.length === numPositions &&
    data.rotations?.length === maxOffset + 1;
  if (!valid) throw new Error(`${url} does not hold the expected table and rotations`);
  return data;
}

/**
 * Redraws the explorer in root for dimension pair `pair` (dimensions 2·pair
 * and 2·pair + 1), offset k = `offset` and position `position`; the caller
 * keeps position + offset below num_positions.
 */
export function drawExplorer(root, data, { pair, offset, position }) {
  const table = data.positional_encoding;
  const sines = table.map((row) => row[2 * pair]);
  const cosines = table.map((row) => row[2 * pair + 1]);
  const block = data.rotations[offset][pair];
  const start = [sines[position], cosines[position]];
  const rotated = [
    block[0][0] * start[0] + block[0][1] * start[1],
    block[1][0] * start[0] + block[1][1] * start[1],
  ];
  const target = [sines[position + offset], cosines[position + offset]];
  const turn = measureTurn(data.rotations, pair, offset);

  drawWaves(root.querySelector("svg.pe-waves"), sines, cosines, position, offset);
  drawCircle(root.querySelector("svg.pe-circle"), sines, cosines, start, rotated, target);

  const readouts = {
    "dimensions": `${2 * pair} and ${2 * pair + 1}`,
    "m-00": formatNumber(block[0][0]),
    "m-01": formatNumber(block[0][1]),
    "m-10": formatNumber(block[1][0]),
    "m-11": formatNumber(block[1][1]),
    "start": formatPair(start),
    "rotated": formatPair(rotated),
    "target": formatPair(target),
    "angle": formatTurn(turn),
    "position": String(position),
    "target-position": String(position + offset),
    "offset": String(offset),
  };
  for (const [name, text] of Object.entries(readouts)) {
    for (const element of root.querySelectorAll(`[data-readout="${name}"]`)) {
      element.textContent = text;
    }
  }
  // The unrounded vectors, for readers of the markup and the tests.
  for (const [name, vector] of Object.entries({ start, rotated, target })) {
    root.querySelector(`[data-readout="${name}"]`).dataset.value = JSON.stringify(vector);
  }
  const angleReadout = root.querySelector('[data-readout="angle"]');
  angleReadout.dataset.value = String(turn.angle);
  angleReadout.dataset.turns = String(turn.turns);
}

/**
 * Measures the turn of M_k for dimension pair `pair` and offset k = `offset`.
 * Returns { angle, turns }, where angle in [0, 2π) is what the matrix turns
 * by and turns counts the full turns in k·ω, the phase that the pair
 * advances over k positions.
 */
function measureTurn(rotations, pair, offset) {
  const fullTurn = 2 * Math.PI;
  const block = rotations[offset][pair];
  // atan2 returns (−π, π]. Adding a full turn to a tiny negative angle can
  // round to exactly 2π, which is the same turn as 0.
  let angle = Math.atan2(block[0][1], block[0][0]);
  if (angle < 0) angle += fullTurn;
  if (angle >= fullTurn) angle = 0;
  if (offset === 0) return { angle, turns: 0 };

  // M_k is M_1 applied k times, and M_1 turns by ω ≤ 1 rad, so k·ω is k times
  // the angle of M_1.
  const step = rotations[1][pair];
  const phase = offset * Math.atan2(step[0][1], step[0][0]);
  return { angle, turns: Math.max(0, Math.round((phase - angle) / fullTurn)) };
}

function formatTurn({ angle, turns }) {
  const text = `${formatNumber(angle)} rad`;
  if (turns === 0) return text;
  return `${text} plus ${turns} full ${turns === 1 ? "turn" : "turns"}`;
}

function drawWaves(svg, sines, cosines, position, offset) {
  const { width, height, left, right, top, bottom } = WAVES;
  const count = sines.length;
  const x = (index) => left + (index * (width - left - right)) / (count - 1);
  const y = (value) => top + ((1 - value) * (height - top - bottom)) / 2;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);

  const axes = [
    element("line", { class: "axis", x1: left, y1: y(0), x2: width - right, y2: y(0) }),
    element("line", { class: "axis", x1: left, y1: y(1), x2: left, y2: y(-1) }),
    text("1", left - 6, y(1), "end"),
    text("0", left - 6, y(0), "end"),
    text("−1", left - 6, y(-1), "end"),
    text("0", x(0), height - bottom + 12, "middle"),
    text(String(count - 1), x(count - 1), height - bottom + 12, "end"),
    text("position", (left + width - right) / 2, height - 10, "middle"),
  ];
  const path = (values) => values.map((value, index) => `${x(index)},${y(value)}`).join(" ");
  const curves = [
    element("polyline", { class: "series-1 curve", points: path(sines) }),
    element("polyline", { class: "series-2 curve dashed", points: path(cosines) }),
  ];
  const markers = [];
  for (const [index, className] of [
    [position, "marker-start"],
    [position + offset, "marker-target"],
  ]) {
    markers.push(
      element("line", { class: className, x1: x(index), y1: top, x2: x(index), y2: height - bottom }),
      element("circle", { class: "series-1 dot", cx: x(index), cy: y(sines[index]), r: 3.5 }),
      element("circle", { class: "series-2 dot", cx: x(index), cy: y(cosines[index]), r: 3.5 }),
    );
  }
  svg.replaceChildren(...axes, ...curves, ...markers);
}

function drawCircle(svg, sines, cosines, start, rotated, target) {
  const { size, radius } = CIRCLE;
  const center = size / 2;
  // As on the unit circle and in the article's figure: cosine across, sine
  // up, so PE(0) sits on the right and positions turn counter-clockwise.
  const point = ([sine, cosine]) => [center + radius * cosine, center - radius * sine];
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);

  const background = [
    element("circle", { class: "axis", cx: center, cy: center, r: radius, fill: "none" }),
    element("line", { class: "axis", x1: center - radius - 8, y1: center, x2: center + radius + 8, y2: center }),
    element("line", { class: "axis", x1: center, y1: center - radius - 8, x2: center, y2: center + radius + 8 }),
    text("cos", size - 4, center - 6, "end"),
    text("sin", center + 6, 12, "start"),
  ];
  const positions = sines.map((sine, index) => {
    const [cx, cy] = point([sine, cosines[index]]);
    return element("circle", { class: "position-dot", cx, cy, r: 1.8 });
  });
  const [startX, startY] = point(start);
  const [rotatedX, rotatedY] = point(rotated);
  const [targetX, targetY] = point(target);
  const vectors = [
    element("line", { class: "series-1 vector", x1: center, y1: center, x2: startX, y2: startY }),
    element("circle", { class: "series-1 dot", cx: startX, cy: startY, r: 4 }),
    element("circle", { class: "series-3 ring", cx: targetX, cy: targetY, r: 8, fill: "none" }),
    element("line", { class: "series-2 vector dashed", x1: center, y1: center, x2: rotatedX, y2: rotatedY }),
    element("circle", { class: "series-2 dot", cx: rotatedX, cy: rotatedY, r: 3 }),
  ];
  svg.replaceChildren(...background, ...positions, ...vectors);
}

function formatNumber(value) {
  const text = value.toFixed(4);
  return text === "-0.0000" ? "0.0000" : text.replace("-", "−");
}

function formatPair([first, second]) {
  return `(${formatNumber(first)}, ${formatNumber(second)})`;
}

function text(content, x, y, anchor) {
  const node = element("text", { x, y, "text-anchor": anchor, "dominant-baseline": "middle" });
  node.textContent = content;
  return node;
}

function element(name, attributes) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [attribute, value] of Object.entries(attributes)) {
    node.setAttribute(attribute, String(value));
  }
  return node;
}
