// Tests js/bundle.mjs, which trims the TensorFlow.js converter to the ops of
// the exported model, on the real converter files and the real model.json.
// Run with: node --test tests/js/

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";

import * as acorn from "acorn";
import * as esbuild from "esbuild";

import { graphOps, trimConverter, trimExecutor, trimOpList } from "../../js/bundle.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CONVERTER = join(ROOT, "node_modules/@tensorflow/tfjs-converter/dist/operations");
const MODEL_JSON = JSON.parse(readFileSync(join(ROOT, "model/web/model.json"), "utf8"));

const read = (path) => readFileSync(join(CONVERTER, path), "utf8");
const parses = (source) => acorn.parse(source, { ecmaVersion: "latest", sourceType: "module" });

function opNamesOf(opListSource) {
  const entries = opListSource.matchAll(/["']tfOpName["']:\s*["']([^"']+)["']/g);
  return [...entries].map((match) => match[1]);
}

function caseLabels(executorSource) {
  return [...executorSource.matchAll(/case '([^']+)':/g)].map((match) => match[1]);
}

describe("graphOps", () => {
  test("lists the model's ops", () => {
    const ops = graphOps(MODEL_JSON);
    for (const op of ["MatMul", "Softmax", "GatherV2", "Placeholder", "Const"]) {
      assert.ok(ops.has(op), op);
    }
    assert.ok(!ops.has("Conv2D"));
  });

  test("rejects a layers model", () => {
    assert.throws(() => graphOps({ modelTopology: { layers: [] } }), /not a graph model/);
  });
});

describe("trimOpList", () => {
  test("keeps the given ops only", () => {
    const source = read("op_list/arithmetic.js");
    assert.ok(opNamesOf(source).length > 10);
    const trimmed = trimOpList(source, new Set(["AddV2", "Mul"]));
    parses(trimmed);
    assert.deepEqual(opNamesOf(trimmed).sort(), ["AddV2", "Mul"]);
  });

  test("empties an unused category", () => {
    const trimmed = trimOpList(read("op_list/convolution.js"), graphOps(MODEL_JSON));
    assert.deepEqual(opNamesOf(trimmed), []);
    assert.match(trimmed, /json = \[\]/);
  });
});

describe("trimExecutor", () => {
  const source = read("executors/slice_join_executor.js");

  test("keeps fall-through case labels", () => {
    const trimmed = trimExecutor(source, new Set(["ConcatV2", "GatherV2"]));
    parses(trimmed);
    assert.deepEqual(caseLabels(trimmed), ["ConcatV2", "Concat", "GatherV2"]);
    assert.match(trimmed, /default:/);
  });

  test("calls ops through the namespace", () => {
    const trimmed = trimExecutor(source, new Set(["ConcatV2"]));
    assert.doesNotMatch(trimmed, /ops = tfOps/);
    assert.doesNotMatch(trimmed, /[^.\w]ops\./);
    assert.match(trimmed, /tfOps\.concat\(/);
  });

  test("rejects a file without switch", () => {
    assert.throws(() => trimExecutor("export const x = 1;", new Set()), /no `switch \(node\.op\)`/);
  });
});

describe("trimConverter", () => {
  test("runs kept ops, rejects others", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bundle-test-"));
    try {
      const entry = join(dir, "entry.mjs");
      writeFileSync(
        entry,
        [
          'import * as tf from "@tensorflow/tfjs-core";',
          'import "@tensorflow/tfjs-backend-cpu";',
          `import { executeOp } from ${JSON.stringify(join(CONVERTER, "executors/slice_join_executor.js"))};`,
          "export { tf, executeOp };",
        ].join("\n"),
      );
      const outfile = join(dir, "out.mjs");
      await esbuild.build({
        entryPoints: [entry],
        bundle: true,
        format: "esm",
        platform: "node",
        // The ES module builds, so that the executor and the test share one
        // TensorFlow.js engine; the banner serves the modules' `require`s.
        mainFields: ["module", "main"],
        banner: {
          js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
        },
        outfile,
        nodePaths: [join(ROOT, "node_modules")],
        logLevel: "silent",
        plugins: [trimConverter(new Set(["ConcatV2"]))],
      });
      const { tf, executeOp } = await import(outfile);
      const a = tf.tensor1d([1, 2]);
      const b = tf.tensor1d([3]);
      const node = (op) => ({
        op,
        inputNames: ["a", "b", "axis"],
        inputs: [{ op: "Const" }, { op: "Const" }, { op: "Const" }],
        inputParams: {
          tensors: { type: "tensors", inputIndexStart: 0, inputIndexEnd: -1 },
          axis: { type: "number", inputIndexStart: -1 },
        },
        attrParams: { n: { type: "number", value: 2 } },
      });
      const tensorMap = { a: [a], b: [b], axis: [tf.scalar(0, "int32")] };
      const context = { currentContextIds: [""] };
      const [joined] = executeOp(node("ConcatV2"), tensorMap, context);
      assert.deepEqual(Array.from(joined.dataSync()), [1, 2, 3]);
      assert.throws(() => executeOp(node("Gather"), tensorMap, context), /Gather is not implemented/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
