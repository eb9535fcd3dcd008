// The demo's sentences for the reader: the status line after each update and
// the description of the cell or token under the pointer or focus.

const MAX_QUOTED_LENGTH = 40;

/** The processor each TensorFlow.js backend computes on, in the reader's words. */
export const BACKEND_PLACES = { cpu: "on the CPU", webgl: "on the GPU (WebGL)" };

/**
 * Returns { message, kind } for the status line after an update. The kind
 * changes only when the meaning does (empty, cut off, mask on or off), so
 * the announcer can write routine updates after typing pauses.
 */
export function resultMessage(result, { backend, maxTokens, elapsed }) {
  const { encoding, outputs, causal } = result;
  if (!outputs) {
    return { message: "Type a sentence to see its attention matrices.", kind: "empty" };
  }
  const place = BACKEND_PLACES[backend] ?? `(${backend} backend)`;
  let message =
    `Computed in your browser by TensorFlow.js ${place} ` +
    `for ${encoding.ids.length} ${encoding.ids.length === 1 ? "token" : "tokens"} ` +
    `in ${elapsed.toFixed(1)} ms.`;
  if (causal) {
    message += " The causal mask is on: each token attends only to itself and earlier tokens.";
  }
  if (encoding.truncated) {
    message +=
      ` The sentence has ${encoding.totalTokens} tokens; only the first ` +
      `${maxTokens} are used.`;
  }
  return { message, kind: `${encoding.truncated ? "truncated" : "computed"}-${causal}` };
}

/**
 * Describes highlight ({ kind, row, col } or null) for the detail line;
 * weights is the selected head's n × n weights, or null without a result.
 */
export function describeHighlight(result, weights, highlight) {
  if (!weights) return "";
  if (!highlight) {
    return "Point at or focus a cell to read its weight, or a token to mark its row and column.";
  }
  const tokens = result.encoding.tokens;
  if (highlight.kind === "token") {
    return (
      `“${quote(tokens[highlight.row])}” (token ${highlight.row + 1}): its row ` +
      "shows what it attends to, its column which tokens attend to it."
    );
  }
  const weight = weights[highlight.row * tokens.length + highlight.col];
  const masked = result.causal && highlight.col > highlight.row;
  return (
    `Query “${quote(tokens[highlight.row])}” (token ${highlight.row + 1}) → ` +
    `key “${quote(tokens[highlight.col])}” (token ${highlight.col + 1}): ` +
    `weight ${weight.toFixed(4)}${masked ? ", masked by the causal mask" : ""}.`
  );
}

// Cuts a long token, such as a pasted 10,000-letter word, for quoting.
function quote(token) {
  const characters = Array.from(token);
  return characters.length > MAX_QUOTED_LENGTH
    ? `${characters.slice(0, MAX_QUOTED_LENGTH - 1).join("")}…`
    : token;
}
