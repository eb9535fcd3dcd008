// The WebGL backend with the same kernels as the CPU set in tfjs.js. The demo
// runs on the CPU (docs/benchmarks.md has the measurement behind that), so
// this module is imported only when a caller asks for "webgl".

import { registerKernel } from "@tensorflow/tfjs-core/dist/base";
import "@tensorflow/tfjs-backend-webgl/dist/base";
import { addConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/Add.js";
import { addNConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/AddN.js";
import { batchMatMulConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/BatchMatMul.js";
import { castConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/Cast.js";
import { concatConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/Concat.js";
import { expandDimsConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/ExpandDims.js";
import { gatherV2Config } from "@tensorflow/tfjs-backend-webgl/dist/kernels/GatherV2.js";
import { greaterConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/Greater.js";
import { identityConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/Identity.js";
import { lessConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/Less.js";
import { meanConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/Mean.js";
import { multiplyConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/Multiply.js";
import { negConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/Neg.js";
import { packConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/Pack.js";
import { prodConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/Prod.js";
import { rangeConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/Range.js";
import { reluConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/Relu.js";
import { reshapeConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/Reshape.js";
import { rsqrtConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/Rsqrt.js";
import { selectConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/Select.js";
import { softmaxConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/Softmax.js";
import { squaredDifferenceConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/SquaredDifference.js";
import { stridedSliceConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/StridedSlice.js";
import { transposeConfig } from "@tensorflow/tfjs-backend-webgl/dist/kernels/Transpose.js";

const WEBGL_KERNELS = [
  addConfig,
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
  multiplyConfig,
  negConfig,
  packConfig,
  prodConfig,
  rangeConfig,
  reluConfig,
  reshapeConfig,
  rsqrtConfig,
  selectConfig,
  softmaxConfig,
  squaredDifferenceConfig,
  stridedSliceConfig,
  transposeConfig,
];

for (const config of WEBGL_KERNELS) {
  registerKernel(config);
}
