// The demo's state in the URL fragment, so a link reproduces the view:
// #s=<sentence>&layer=<1-based>&head=<1-based>&mask=<0|1>. Layer and head are
// 1-based, as in the matrices' captions.

const KEYS = ["s", "layer", "head", "mask"];

/**
 * Maximum length of the sentence written into the URL, in UTF-16 code units.
 * A longer sentence is cut, so its link reproduces only the start of it.
 */
// NOTE: 2,000 characters cover 32 tokens of ordinary text. A single word
// longer than that is still one token, but the link cuts it short.
export const MAX_URL_SENTENCE_LENGTH = 2000;

/**
 * Parses a location.hash into the parts of the demo state it sets. Returns
 * null when the fragment contains none of the demo's keys, for example a link to
 * a section heading. Invalid values are left out, so the caller keeps its
 * defaults for them.
 */
export function parseFragment(hash, { numLayers, numHeads }) {
  const params = new URLSearchParams(hash.startsWith("#") ? hash.slice(1) : hash);
  if (!KEYS.some((key) => params.has(key))) return null;

  const state = {};
  const sentence = params.get("s");
  if (sentence !== null) state.sentence = truncate(sentence);
  const layer = parseIndex(params.get("layer"), numLayers);
  if (layer !== null) state.layer = layer;
  const head = parseIndex(params.get("head"), numHeads);
  if (head !== null) state.head = head;
  const mask = params.get("mask");
  if (mask === "0" || mask === "1") state.causal = mask === "1";
  return state;
}

/** Returns the fragment, starting with "#", that stores state. */
export function formatFragment({ sentence, layer, head, causal }) {
  const params = new URLSearchParams();
  params.set("s", truncate(sentence));
  params.set("layer", String(layer + 1));
  params.set("head", String(head + 1));
  params.set("mask", causal ? "1" : "0");
  return `#${params}`;
}

// Returns the 0-based index of a 1-based decimal string in 1..count, or null.
function parseIndex(value, count) {
  if (value === null || !/^[1-9][0-9]{0,3}$/.test(value)) return null;
  const number = Number(value);
  return number <= count ? number - 1 : null;
}

// Cuts text to MAX_URL_SENTENCE_LENGTH without splitting a surrogate pair.
function truncate(text) {
  if (text.length <= MAX_URL_SENTENCE_LENGTH) return text;
  const end = MAX_URL_SENTENCE_LENGTH;
  const splitsPair = /[\uD800-\uDBFF]/.test(text[end - 1]);
  return text.slice(0, splitsPair ? end - 1 : end);
}
