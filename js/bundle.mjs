// Bundles the browser code with esbuild, keeping only the parts of the
// TensorFlow.js graph-model converter that the exported model runs.
//
//   node js/bundle.mjs --outdir site/assets --model model/web/model.json
//
// The converter maps every TensorFlow op it supports to an executor. Each
// executor calls TensorFlow.js ops through one namespace object, so a plain
// bundle carries all of them: 175 KB of minified code (40 KB gzip) that the
// attention model never runs. The plugin below reads the op names from model.json and, as esbuild
// loads the converter's files, rewrites them:
//
// - each op list in operations/op_list/ keeps only the entries for those ops;
// - each executor in operations/executors/ keeps only the `case` branches for
//   those ops, and calls the ops as `tfOps.name(...)`, which lets esbuild drop
//   every op no branch calls.
//
// An op outside the model then fails when the graph loads, with the
// converter's own "Op ... is not supported" message, rather than running
// wrong. The browser tests load the real model, so retraining with a new op
// and forgetting to rebuild cannot pass unnoticed.

import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import * as acorn from "acorn";
import * as esbuild from "esbuild";

const OP_LIST = /[\\/]tfjs-converter[\\/]dist[\\/]operations[\\/]op_list[\\/][a-z_]+\.js$/;
const EXECUTOR =
  /[\\/]tfjs-converter[\\/]dist[\\/]operations[\\/]executors[\\/][a-z_]+_executor\.js$/;

/** Return the set of op names that a graph model's model.json runs. */
export function graphOps(modelJson) {
  const topology = modelJson.modelTopology;
  if (!topology || !Array.isArray(topology.node)) {
    throw new Error(
      "invalid model.json: no modelTopology.node list, so it is not a graph model",
    );
  }
  const ops = new Set(topology.node.map((node) => node.op));
  for (const fn of topology.library?.function ?? []) {
    for (const node of fn.nodeDef ?? []) ops.add(node.op);
  }
  return ops;
}

function parse(source) {
  return acorn.parse(source, { ecmaVersion: "latest", sourceType: "module" });
}

/** Apply [start, end, text] replacements, which must not overlap. */
function applyEdits(source, edits) {
  let out = source;
  for (const [start, end, text] of [...edits].sort((a, b) => b[0] - a[0])) {
    out = out.slice(0, start) + text + out.slice(end);
  }
  return out;
}

function propertyValue(objectNode, name) {
  for (const property of objectNode.properties) {
    const key = property.key?.name ?? property.key?.value;
    if (key === name && property.value.type === "Literal") return property.value.value;
  }
  return undefined;
}

/**
 * Keep the entries of an op list (`export const json = [...]`) whose
 * `tfOpName` is in `ops`.
 */
export function trimOpList(source, ops) {
  const edits = [];
  walk(parse(source), (node) => {
    if (node.type !== "VariableDeclarator" || node.id.name !== "json") return;
    if (node.init?.type !== "ArrayExpression") return;
    const matching = node.init.elements.filter(
      (element) =>
        element.type === "ObjectExpression" && ops.has(propertyValue(element, "tfOpName")),
    );
    const text = matching.map((element) => source.slice(element.start, element.end)).join(",\n");
    edits.push([node.init.start, node.init.end, `[${text}]`]);
  });
  if (edits.length !== 1) throw new Error("invalid op list: expected one `json` array");
  return applyEdits(source, edits);
}

/**
 * Keep the `case` branches of an executor's `switch (node.op)` that handle an
 * op in `ops`, and turn its `ops = tfOps` parameter into direct `tfOps.` calls.
 */
export function trimExecutor(source, ops) {
  const edits = [];
  const removed = [];
  let switches = 0;
  walk(parse(source), (node) => {
    if (isOpsParameter(node)) {
      // `(node, tensorMap, context, ops = tfOps)`: drop the comma too.
      const comma = source.lastIndexOf(",", node.start);
      edits.push([comma, node.end, ""]);
      return;
    }
    if (node.type === "MemberExpression" && node.object.type === "Identifier") {
      if (node.object.name === "ops") edits.push([node.object.start, node.object.end, "tfOps"]);
      return;
    }
    if (node.type !== "SwitchStatement" || !isNodeOp(node.discriminant)) return;
    switches += 1;
    // Cases with an empty body fall through to the next one: a group is the
    // labels up to a case with a body, and it stays if any of its labels is in `ops`.
    let group = [];
    for (const branch of node.cases) {
      group.push(branch);
      if (branch.consequent.length === 0) continue;
      const used = group.some((c) => c.test === null || ops.has(c.test.value));
      if (!used) removed.push([group[0].start, branch.end, ""]);
      group = [];
    }
  });
  if (switches === 0) throw new Error("invalid executor: no `switch (node.op)` found");
  const outside = (edit) => !removed.some(([start, end]) => start <= edit[0] && edit[1] <= end);
  return applyEdits(source, [...removed, ...edits.filter(outside)]);
}

function isOpsParameter(node) {
  return (
    node.type === "AssignmentPattern" &&
    node.left.type === "Identifier" &&
    node.left.name === "ops" &&
    node.right.type === "Identifier" &&
    node.right.name === "tfOps"
  );
}

function isNodeOp(expression) {
  return (
    expression.type === "MemberExpression" &&
    expression.object.type === "Identifier" &&
    expression.object.name === "node" &&
    expression.property.name === "op"
  );
}

/** Call `visit` on every node of an acorn tree, parents first. */
function walk(node, visit) {
  visit(node);
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) {
      for (const child of value) if (child && typeof child.type === "string") walk(child, visit);
    } else if (value && typeof value.type === "string") {
      walk(value, visit);
    }
  }
}

/** Return an esbuild plugin that trims the converter to `ops`. */
export function trimConverter(ops) {
  return {
    name: "trim-tfjs-converter",
    setup(build) {
      build.onLoad({ filter: OP_LIST }, ({ path }) => ({
        contents: trimOpList(readFileSync(path, "utf8"), ops),
        loader: "js",
      }));
      build.onLoad({ filter: EXECUTOR }, ({ path }) => ({
        contents: trimExecutor(readFileSync(path, "utf8"), ops),
        loader: "js",
      }));
    },
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      entry: { type: "string", default: "js/main.js" },
      outdir: { type: "string" },
      model: { type: "string", default: "model/web/model.json" },
      metafile: { type: "string" },
    },
  });
  if (!values.outdir) throw new Error("missing --outdir: pass the folder for the bundle");
  const ops = graphOps(JSON.parse(readFileSync(values.model, "utf8")));
  const result = await esbuild.build({
    entryPoints: [values.entry],
    bundle: true,
    format: "esm",
    minify: true,
    target: "es2020",
    legalComments: "none",
    logLevel: "warning",
    splitting: true,
    outdir: values.outdir,
    entryNames: "app",
    chunkNames: "chunks/[name]-[hash]",
    metafile: Boolean(values.metafile),
    plugins: [trimConverter(ops)],
  });
  if (values.metafile) {
    writeFileSync(values.metafile, JSON.stringify(result.metafile));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}
