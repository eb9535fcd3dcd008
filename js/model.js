// Loads the exported graph model, picks the TensorFlow.js backend and runs
// the model on token ids.

import {
  dispose,
  env,
  getBackend,
  loadGraphModel,
  memory,
  ready,
  scalar,
  setBackend,
  tensor1d,
} from "./tfjs.js";

/**
 * Backends in order of preference. The CPU backend comes first because it
 * measured faster for this model in benchmarks/run.py, in headless Chromium
 * with software WebGL; docs/benchmarks.md has the numbers. WebGL is loaded
 * only when the CPU backend cannot start or a caller asks for it.
 */
export const BACKEND_PREFERENCE = ["cpu", "webgl"];

/** Names of the model's outputs, as in model/reference.py's OUTPUT_NAMES. */
export const OUTPUT_NAMES = [
  "token_embeddings",
  "positional_encoding",
  "embedded",
  "query",
  "key",
  "value",
  "scores",
  "scaled_scores",
  "attention_weights",
  "head_outputs",
  "layer_output",
];

const BACKEND_MODULES = {
  cpu: async () => {},
  webgl: () => import("./webgl_backend.js"),
};

/**
 * Switches TensorFlow.js to the named backend, loading its kernels first.
 * Throws when the name is unknown or the backend cannot start, for example
 * "webgl" in a browser without WebGL; the previous backend then stays active.
 */
export async function useBackend(name) {
  const loadModule = BACKEND_MODULES[name];
  if (!loadModule) {
    throw new Error(
      `unknown backend ${JSON.stringify(name)}; expected one of ` +
        Object.keys(BACKEND_MODULES).join(", "),
    );
  }
  const previous = getBackend();
  await loadModule();
  const started = await setBackend(name);
  if (!started) {
    if (previous && previous !== name) await setBackend(previous);
    throw new Error(`the ${name} backend failed to start in this browser`);
  }
  await ready();
  return getBackend();
}

/** Starts the first backend of `names` that works and returns its name. */
export async function useFirstWorkingBackend(names = BACKEND_PREFERENCE) {
  const failures = [];
  for (const name of names) {
    try {
      return await useBackend(name);
    } catch (error) {
      failures.push(`${name}: ${error.message}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start (${failures.join("; ")})`);
}

/**
 * Loads model.json (and its weight shards, resolved relative to it) and
 * tokenizer.json from modelUrl, a folder URL ending in "/".
 */
export async function loadAttentionModel(modelUrl) {
  env().set("PROD", true);
  const [graphModel, tokenizerJson] = await Promise.all([
    loadGraphModel(new URL("model.json", modelUrl).href),
    fetchJson(new URL("tokenizer.json", modelUrl).href),
  ]);
  const config = graphModel.metadata?.config;
  if (!config) throw new Error("model.json has no config in its metadata");
  return { graphModel, tokenizerJson, config, outputTensors: outputTensorNames(graphModel) };
}

/**
 * Returns { outputName: tensorName } for the model's outputs.
 *
 * TensorFlow flattens the serving function's dict of outputs in sorted key
 * order and names the k-th flat output "Identity_k" ("Identity" for k = 0),
 * and model.json lists the sorted keys as structuredOutputKeys. The names
 * are matched here because GraphModel.predict (TensorFlow.js 4.22) pairs
 * those keys with the tensor names in string order, where "Identity_10"
 * comes before "Identity_2", so with 11 outputs it returns most of them
 * under the wrong name.
 */
function outputTensorNames(graphModel) {
  const keys = graphModel.metadata?.structuredOutputKeys;
  const signatureOutputs = graphModel.artifacts?.signature?.outputs;
  if (!Array.isArray(keys) || !signatureOutputs) {
    throw new Error("model.json has no structuredOutputKeys or no signature outputs");
  }
  const byIndex = new Map();
  for (const { name } of Object.values(signatureOutputs)) {
    const match = /^Identity(?:_(\d+))?:0$/.exec(name);
    if (match) byIndex.set(Number(match[1] ?? 0), name);
  }
  const names = {};
  keys.forEach((key, index) => {
    if (!byIndex.has(index)) {
      throw new Error(`model.json's signature has no tensor Identity_${index} for ${key}`);
    }
    names[key] = byIndex.get(index);
  });
  const missing = OUTPUT_NAMES.filter((name) => !(name in names));
  if (missing.length > 0) {
    throw new Error(`model.json lacks the outputs ${missing.join(", ")}`);
  }
  return names;
}

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`loading ${url} failed with HTTP status ${response.status}`);
  }
  return response.json();
}

/**
 * Runs the model on ids and returns every output by name as
 * { data: Float32Array in row-major order, shape }. Reads the results
 * synchronously, so on the CPU backend a keystroke's update finishes in the
 * same task as its input event. Every tensor created here is disposed.
 */
export function runModel(model, ids, causal = false) {
  const inputs = {
    token_ids: tensor1d(ids, "int32"),
    causal: scalar(causal ? 1 : 0, "float32"),
  };
  let tensors;
  try {
    tensors = model.graphModel.execute(
      inputs,
      OUTPUT_NAMES.map((name) => model.outputTensors[name]),
    );
    const result = {};
    OUTPUT_NAMES.forEach((name, index) => {
      result[name] = { data: tensors[index].dataSync(), shape: tensors[index].shape };
    });
    return result;
  } finally {
    dispose(Object.values(inputs));
    if (tensors) dispose(tensors);
  }
}

/** Returns the name of the first output that contains NaN or infinity, or null. */
export function findNonFiniteOutput(outputs) {
  for (const [name, { data }] of Object.entries(outputs)) {
    for (let index = 0; index < data.length; index++) {
      if (!Number.isFinite(data[index])) return name;
    }
  }
  return null;
}

export { getBackend, memory };
