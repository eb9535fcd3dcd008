// Loads the exported graph model and runs it on token ids.

import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { loadGraphModel } from "@tensorflow/tfjs-converter";

/**
 * Loads model.json (and its weight shard, resolved relative to it) and
 * tokenizer.json from modelUrl, a folder URL ending in "/".
 */
export async function loadAttentionModel(modelUrl) {
  tf.env().set("PROD", true);
  await tf.setBackend("cpu");
  await tf.ready();

  const [graphModel, tokenizerJson] = await Promise.all([
    loadGraphModel(new URL("model.json", modelUrl).href),
    fetchJson(new URL("tokenizer.json", modelUrl).href),
  ]);
  const config = graphModel.metadata?.config;
  if (!config) throw new Error("model.json has no config in its metadata");
  return { graphModel, tokenizerJson, config, backend: tf.getBackend() };
}

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`loading ${url} failed with HTTP status ${response.status}`);
  }
  return response.json();
}

/**
 * Runs the model on ids and returns every output as { data, shape }, with
 * data a Float32Array in row-major order. All tensors are disposed.
 */
export async function runModel(model, ids, causal = false) {
  const inputs = {
    token_ids: tf.tensor1d(ids, "int32"),
    causal: tf.scalar(causal ? 1 : 0, "float32"),
  };
  let outputs;
  try {
    outputs = model.graphModel.predict(inputs);
    const names = Object.keys(outputs);
    const arrays = await Promise.all(names.map((name) => outputs[name].data()));
    const result = {};
    names.forEach((name, index) => {
      result[name] = { data: arrays[index], shape: outputs[name].shape };
    });
    return result;
  } finally {
    tf.dispose(Object.values(inputs));
    if (outputs) tf.dispose(Object.values(outputs));
  }
}
