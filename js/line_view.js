// Draws one head's attention as lines. The tokens stand in two columns,
// queries on the left and keys on the right. A line joins a query to each key
// that receives at least LINE_THRESHOLD of its attention, as wide as the
// weight.

const SVG_NS = "http://www.w3.org/2000/svg";

/** Smallest weight drawn as a line. */
export const LINE_THRESHOLD = 0.05;

const WIDTH = 360;
const ROW_HEIGHT = 18;
const TOP = 24;
const LABEL_WIDTH = 96;
const LABEL_GAP = 6;
const MAX_STROKE_WIDTH = 7;
const MAX_LABEL_LENGTH = 14;

/**
 * Redraws svg with the lines of one head: values is its n × n weights in
 * row-major order (row = query, column = key). Each line carries
 * data-row, data-col and data-value, and each label data-token-index.
 */
export function drawLineView(svg, tokens, values) {
  const n = tokens.length;
  const height = TOP + n * ROW_HEIGHT;
  svg.setAttribute("viewBox", `0 0 ${WIDTH} ${height}`);
  svg.dataset.threshold = String(LINE_THRESHOLD);

  const left = LABEL_WIDTH;
  const right = WIDTH - LABEL_WIDTH;
  const lines = createElement("g", { class: "lines" });
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      const weight = values[row * n + col];
      if (!(weight >= LINE_THRESHOLD)) continue;
      const line = createElement("line", {
        x1: left + LABEL_GAP,
        y1: rowY(row),
        x2: right - LABEL_GAP,
        y2: rowY(col),
        "stroke-width": (weight * MAX_STROKE_WIDTH).toFixed(2),
      });
      line.dataset.row = String(row);
      line.dataset.col = String(col);
      line.dataset.value = String(weight);
      lines.append(line);
    }
  }

  const headings = createElement("g", { class: "headings" });
  headings.append(
    createText("Query", left, TOP / 2, "end"),
    createText("Key", right, TOP / 2, "start"),
  );
  const labels = createElement("g", { class: "labels" });
  tokens.forEach((token, index) => {
    labels.append(
      createLabel(token, index, left, "end", "query"),
      createLabel(token, index, right, "start", "key"),
    );
  });
  svg.replaceChildren(lines, labels, headings);
}

/** Removes every line and label, for an empty sentence. */
export function clearLineView(svg) {
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${WIDTH} ${TOP}`);
}

/**
 * Emphasizes the lines that leave the query `highlight.row` or reach the key
 * `highlight.col`, and fades the others; a null highlight clears it.
 */
export function highlightLineView(svg, highlight) {
  const row = highlight?.row ?? null;
  const col = highlight?.col ?? null;
  svg.classList.toggle("highlighting", row !== null || col !== null);
  for (const line of svg.querySelectorAll("line")) {
    const lineRow = Number(line.dataset.row);
    const lineCol = Number(line.dataset.col);
    const isCell = highlight?.kind === "cell";
    const marked = isCell
      ? lineRow === row && lineCol === col
      : lineRow === row || lineCol === col;
    line.classList.toggle("marked", marked);
  }
  for (const label of svg.querySelectorAll("text[data-token-index]")) {
    const index = Number(label.dataset.tokenIndex);
    const side = label.dataset.side;
    label.classList.toggle(
      "marked",
      (side === "query" && index === row) || (side === "key" && index === col),
    );
  }
}

function rowY(index) {
  return TOP + index * ROW_HEIGHT + ROW_HEIGHT / 2;
}

function createLabel(token, index, x, anchor, side) {
  const characters = Array.from(token);
  const text =
    characters.length > MAX_LABEL_LENGTH
      ? `${characters.slice(0, MAX_LABEL_LENGTH - 1).join("")}…`
      : token;
  const label = createText(text, x, rowY(index), anchor);
  label.dataset.tokenIndex = String(index);
  label.dataset.side = side;
  return label;
}

function createText(text, x, y, anchor) {
  const element = createElement("text", {
    x,
    y,
    "text-anchor": anchor,
    "dominant-baseline": "middle",
  });
  element.textContent = text;
  return element;
}

function createElement(name, attributes) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [attribute, value] of Object.entries(attributes)) {
    element.setAttribute(attribute, String(value));
  }
  return element;
}
