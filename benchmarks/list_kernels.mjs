// Prints the TensorFlow.js kernels that the exported graph model runs, and
// the ones missing from the browser bundle's registrations.
//
//   node benchmarks/list_kernels.mjs [MODEL_DIR]     (default: model/web)
//
// It runs the model in Node with the complete CPU backend on 1, 5 and
// max_tokens tokens, with and without the causal mask, records every kernel
// through tf.profile and prints how many kernel calls each pass makes. A kernel is registered for the browser when
// js/tfjs.js or js/cpu_kernels.js imports its module from
// @tensorflow/tfjs-backend-cpu/dist/kernels/. Exits with status 1 when a
// kernel is missing, so a retrained model that needs a new kernel is caught
// before the browser reports "Kernel '...' not registered".

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { loadGraphModel } from "@tensorflow/tfjs-converter";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modelDir = process.argv[2] ?? join(root, "model", "web");

const modelJson = JSON.parse(readFileSync(join(modelDir, "model.json"), "utf8"));
const shards = modelJson.weightsManifest.flatMap((group) =>
  group.paths.map((path) => readFileSync(join(modelDir, path))),
);
const weightData = Buffer.concat(shards);
const handler = tf.io.fromMemory({
  modelTopology: modelJson.modelTopology,
  weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
  weightData: weightData.buffer.slice(
    weightData.byteOffset,
    weightData.byteOffset + weightData.byteLength,
  ),
  signature: modelJson.signature,
  userDefinedMetadata: modelJson.userDefinedMetadata,
});

await tf.setBackend("cpu");
const model = await loadGraphModel(handler);
const maxTokens = modelJson.userDefinedMetadata.config.max_tokens;

const used = new Set();
const calls = {};
for (const length of [1, 5, maxTokens]) {
  for (const causal of [0, 1]) {
    const ids = Array.from({ length }, (_, index) => 4 + index);
    const info = await tf.profile(() => {
      const outputs = model.predict({
        token_ids: tf.tensor1d(ids, "int32"),
        causal: tf.scalar(causal, "float32"),
      });
      return Object.values(outputs);
    });
    for (const kernel of info.kernels) used.add(kernel.name);
    calls[`${length} tokens${causal ? ", causal" : ""}`] = info.kernels.length;
  }
}

const registered = new Set();
for (const file of ["js/tfjs.js", "js/cpu_kernels.js"]) {
  const source = readFileSync(join(root, file), "utf8");
  for (const match of source.matchAll(/tfjs-backend-cpu\/dist\/kernels\/(\w+)\.js/g)) {
    registered.add(match[1]);
  }
}

const kernels = [...used].sort();
const missing = kernels.filter((name) => !registered.has(name));
const unused = [...registered].filter((name) => !used.has(name)).sort();
console.log(`kernels run by ${modelDir}/model.json: ${kernels.join(" ")}`);
console.log(`registered but not run: ${unused.join(" ") || "none"}`);
console.log(
  "kernel calls per forward pass: " +
    Object.entries(calls)
      .map(([inputs, count]) => `${count} (${inputs})`)
      .join(", "),
);
if (missing.length > 0) {
  console.log(`missing from js/tfjs.js: ${missing.join(" ")}`);
  process.exitCode = 1;
} else {
  console.log("missing from js/tfjs.js: none");
}
