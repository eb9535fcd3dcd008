// Encodes a batch of texts with js/tokenizer.js for the Python parity test.
//
// Usage: node tests/js/tokenizer_parity.mjs REQUEST.json RESPONSE.json
//
// REQUEST.json:  {"vocab": [...], "requests": [{"text": "...", "max_tokens": 8}]}
// RESPONSE.json: {"results": [{"pieces", "keys", "tokens", "ids", "unknown",
//                 "truncated", "totalTokens"}]}, one result per request.
//
// JSON.stringify writes lone surrogates as \udXXX escapes, so they reach
// Python unchanged.

import { readFileSync, writeFileSync } from "node:fs";

import { Tokenizer, lookupKey, splitText } from "../../js/tokenizer.js";

function encodeRequests({ vocab, requests }) {
  const tokenizers = new Map();
  return requests.map(({ text, max_tokens: maxTokens }) => {
    if (!tokenizers.has(maxTokens)) {
      tokenizers.set(maxTokens, new Tokenizer({ vocab, maxTokens }));
    }
    const pieces = splitText(text);
    return {
      pieces,
      keys: pieces.map(lookupKey),
      ...tokenizers.get(maxTokens).encode(text),
    };
  });
}

const [requestPath, responsePath] = process.argv.slice(2);
if (!requestPath || !responsePath) {
  console.error("usage: node tokenizer_parity.mjs REQUEST.json RESPONSE.json");
  process.exit(2);
}
const request = JSON.parse(readFileSync(requestPath, "utf8"));
writeFileSync(responsePath, JSON.stringify({ results: encodeRequests(request) }));
