// TensorFlow.js reduced to what the attention model runs: the core without
// its default kernel set, the graph-model converter, and the CPU backend with
// only the kernels that model/web/model.json executes.
//
// Add, Multiply, SquaredDifference, Softmax and Transpose are the faster
// versions in cpu_kernels.js, which fall back on the stock kernels.
//
// The graph's TensorFlow ops map to these TensorFlow.js kernels: AddV2 and
// BiasAdd to Add, MatMul and BatchMatMulV2 to BatchMatMul, ConcatV2 to
// Concat, Mul to Multiply, SelectV2 to Select. The other ops run kernels of
// the same name, except Shape and Const, which the converter evaluates
// itself. After retraining, `node benchmarks/list_kernels.mjs` prints the kernels the new
// graph runs, and a missing one fails the browser tests with "Kernel '...'
// not registered for backend 'cpu'".

import { registerKernel } from "@tensorflow/tfjs-core/dist/base";
import "@tensorflow/tfjs-backend-cpu/dist/base";
import { FAST_CPU_KERNELS } from "./cpu_kernels.js";
import { addNConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/AddN.js";
import { batchMatMulConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/BatchMatMul.js";
import { castConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/Cast.js";
import { concatConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/Concat.js";
import { expandDimsConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/ExpandDims.js";
import { gatherV2Config } from "@tensorflow/tfjs-backend-cpu/dist/kernels/GatherV2.js";
import { greaterConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/Greater.js";
import { identityConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/Identity.js";
import { lessConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/Less.js";
import { meanConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/Mean.js";
import { negConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/Neg.js";
import { packConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/Pack.js";
import { prodConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/Prod.js";
import { rangeConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/Range.js";
import { reluConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/Relu.js";
import { reshapeConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/Reshape.js";
import { rsqrtConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/Rsqrt.js";
import { selectConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/Select.js";
import { stridedSliceConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/StridedSlice.js";

const CPU_KERNELS = [
  ...FAST_CPU_KERNELS,
  addNConfig,
  batchMatMulConfig,
  castConfig,
  concatConfig,
  expandDimsConfig,
  gatherV2Config,
  greaterConfig,
  identityConfig,
  lessConfig,
  meanConfig,
  negConfig,
  packConfig,
  prodConfig,
  rangeConfig,
  reluConfig,
  reshapeConfig,
  rsqrtConfig,
  selectConfig,
  stridedSliceConfig,
];

for (const config of CPU_KERNELS) {
  registerKernel(config);
}

/** Names of the kernels the model runs, the same for every backend. */
export const KERNEL_NAMES = CPU_KERNELS.map((config) => config.kernelName);

export {
  dispose,
  engine,
  env,
  getBackend,
  memory,
  ready,
  scalar,
  setBackend,
  tensor1d,
} from "@tensorflow/tfjs-core/dist/base";
export { loadGraphModel } from "@tensorflow/tfjs-converter";
