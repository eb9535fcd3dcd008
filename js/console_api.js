// The console API, for curious readers and for the tests: after the page has
// loaded, open the browser's console and try
//
//   await attentionDemo.ready
//   attentionDemo.encode("The cat sat.")       // { tokens, ids, unknown, truncated, totalTokens }
//   await attentionDemo.run("The cat sat.", { causal: true })
//   attentionDemo.backend()                     // "cpu"
//   await attentionDemo.setBackend("webgl")     // resolves to "webgl", or rejects
//   attentionDemo.memory()                      // { numTensors, numBytes, ... }
//
// run() returns every model output as nested plain arrays under its name
// (token_embeddings, positional_encoding, embedded, query, key, value,
// scores, scaled_scores, attention_weights, head_outputs, layer_output), plus
// tokens, ids and unknown, as `python -m model.inspect` prints them. An empty
// sentence gives an empty list for every output.

import { OUTPUT_NAMES, getBackend, memory, runModel } from "./model.js";

/**
 * Installs globalThis.attentionDemo and returns { connect, fail }: connect
 * ({ model, tokenizer, switchBackend }) once the model has loaded, which
 * resolves `ready`, or fail(error), which rejects it.
 */
export function installConsoleApi() {
  let connection = null;
  let resolveReady;
  let rejectReady;
  const ready = new Promise((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  // A page whose model fails to load must not report an unhandled rejection;
  // callers that await `ready` still see the error.
  ready.catch(() => {});

  function requireConnection() {
    if (!connection) {
      throw new Error("the model has not loaded yet; await attentionDemo.ready first");
    }
    return connection;
  }

  globalThis.attentionDemo = {
    ready,

    /** Returns the active TensorFlow.js backend's name. */
    backend() {
      return getBackend();
    },

    /** Switches backend, redraws the demo with it and resolves to its name. */
    async setBackend(name) {
      return requireConnection().switchBackend(name);
    },

    /** Tokenizes text with the model's vocabulary. */
    encode(text) {
      return requireConnection().tokenizer.encode(String(text));
    },

    /** Runs the model on text and returns every output as nested arrays. */
    async run(text, { causal = false } = {}) {
      const { model, tokenizer } = requireConnection();
      const encoding = tokenizer.encode(String(text));
      const result = {
        tokens: encoding.tokens,
        ids: encoding.ids,
        unknown: encoding.unknown,
      };
      if (encoding.ids.length === 0) {
        for (const name of OUTPUT_NAMES) result[name] = [];
        return result;
      }
      const outputs = runModel(model, encoding.ids, Boolean(causal));
      for (const [name, { data, shape }] of Object.entries(outputs)) {
        result[name] = toNestedArray(data, shape);
      }
      return result;
    },

    /** Returns TensorFlow.js's memory counters, such as numTensors. */
    memory() {
      return { ...memory() };
    },
  };

  return {
    connect(value) {
      connection = value;
      resolveReady();
    },
    fail(error) {
      rejectReady(error);
    },
  };
}

function toNestedArray(data, shape) {
  if (shape.length === 0) return data[0];
  const [size, ...rest] = shape;
  const stride = rest.reduce((product, length) => product * length, 1);
  const result = [];
  for (let index = 0; index < size; index++) {
    const part = data.subarray(index * stride, (index + 1) * stride);
    result.push(rest.length === 0 ? part[0] : toNestedArray(part, rest));
  }
  return result;
}
