// Faster CPU kernels for the operations that dominate the model's forward
// pass. In TensorFlow.js 4.22 the CPU backend's broadcasting binary kernels
// build index arrays for every element, its Transpose does the same, and its
// Softmax chains five such kernels. For a 32-token sentence those kernels
// took about 4.5 of the forward pass's 6.6 ms (tf.profile in Node 20 on a
// 2-core AMD EPYC). The kernels here compute the same values with plain
// loops over tensors of rank 4 or less, and hand every other case (other
// dtypes, higher ranks, softmax over an inner axis) to the stock kernel.

import {
  Add,
  Multiply,
  Softmax,
  SquaredDifference,
  Transpose,
  backend_util,
} from "@tensorflow/tfjs-core/dist/base";
import { addConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/Add.js";
import { multiplyConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/Multiply.js";
import { softmaxConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/Softmax.js";
import { squaredDifferenceConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/SquaredDifference.js";
import { transposeConfig } from "@tensorflow/tfjs-backend-cpu/dist/kernels/Transpose.js";

const MAX_RANK = 4;
const NUMERIC_DTYPES = new Set(["float32", "int32"]);

/** Kernel configs for the "cpu" backend, registered in place of the stock ones. */
export const FAST_CPU_KERNELS = [
  binaryKernel(Add, addConfig, (a, b) => a + b),
  binaryKernel(Multiply, multiplyConfig, (a, b) => a * b),
  binaryKernel(SquaredDifference, squaredDifferenceConfig, (a, b) => (a - b) * (a - b)),
  { kernelName: Softmax, backendName: "cpu", kernelFunc: softmax },
  { kernelName: Transpose, backendName: "cpu", kernelFunc: transpose },
];

function binaryKernel(kernelName, stock, operation) {
  function kernelFunc(args) {
    const { a, b } = args.inputs;
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    if (a.dtype !== b.dtype || !NUMERIC_DTYPES.has(a.dtype) || outShape.length > MAX_RANK) {
      return stock.kernelFunc(args);
    }
    const { backend } = args;
    const aValues = backend.data.get(a.dataId).values;
    const bValues = backend.data.get(b.dataId).values;
    const outDims = padShape(outShape);
    const aStrides = broadcastStrides(a.shape);
    const bStrides = broadcastStrides(b.shape);
    const result = a.dtype === "int32" ? new Int32Array(size(outShape)) : new Float32Array(size(outShape));

    let index = 0;
    for (let i0 = 0; i0 < outDims[0]; i0++) {
      for (let i1 = 0; i1 < outDims[1]; i1++) {
        for (let i2 = 0; i2 < outDims[2]; i2++) {
          let aIndex = i0 * aStrides[0] + i1 * aStrides[1] + i2 * aStrides[2];
          let bIndex = i0 * bStrides[0] + i1 * bStrides[1] + i2 * bStrides[2];
          for (let i3 = 0; i3 < outDims[3]; i3++) {
            result[index++] = operation(aValues[aIndex], bValues[bIndex]);
            aIndex += aStrides[3];
            bIndex += bStrides[3];
          }
        }
      }
    }
    return backend.makeTensorInfo(outShape, a.dtype, result);
  }
  return { kernelName, backendName: "cpu", kernelFunc };
}

// Softmax over the last axis, one row at a time: subtract the row's maximum,
// exponentiate, divide by the sum. A row masked with -1e9 outside one entry
// gives exactly 0 there, as exp(-1e9) underflows.
function softmax(args) {
  const { logits } = args.inputs;
  const rank = logits.shape.length;
  const axis = args.attrs.dim === -1 ? rank - 1 : args.attrs.dim;
  if (logits.dtype !== "float32" || axis !== rank - 1) {
    return softmaxConfig.kernelFunc(args);
  }
  const { backend } = args;
  const values = backend.data.get(logits.dataId).values;
  const width = logits.shape[rank - 1];
  const result = new Float32Array(values.length);
  for (let start = 0; start < values.length; start += width) {
    let max = -Infinity;
    for (let i = start; i < start + width; i++) max = Math.max(max, values[i]);
    let sum = 0;
    for (let i = start; i < start + width; i++) {
      const exponential = Math.exp(values[i] - max);
      result[i] = exponential;
      sum += exponential;
    }
    for (let i = start; i < start + width; i++) result[i] /= sum;
  }
  return backend.makeTensorInfo(logits.shape, "float32", result);
}

function transpose(args) {
  const { x } = args.inputs;
  const { perm } = args.attrs;
  if (!NUMERIC_DTYPES.has(x.dtype) || x.shape.length > MAX_RANK) {
    return transposeConfig.kernelFunc(args);
  }
  const { backend } = args;
  const values = backend.data.get(x.dataId).values;
  const outShape = perm.map((axis) => x.shape[axis]);
  const inStrides = contiguousStrides(x.shape);
  // The input stride of each output axis, padded at the front to rank 4.
  const strides = padStrides(perm.map((axis) => inStrides[axis]));
  const outDims = padShape(outShape);
  const result = x.dtype === "int32" ? new Int32Array(values.length) : new Float32Array(values.length);

  let index = 0;
  for (let i0 = 0; i0 < outDims[0]; i0++) {
    for (let i1 = 0; i1 < outDims[1]; i1++) {
      for (let i2 = 0; i2 < outDims[2]; i2++) {
        let source = i0 * strides[0] + i1 * strides[1] + i2 * strides[2];
        for (let i3 = 0; i3 < outDims[3]; i3++) {
          result[index++] = values[source];
          source += strides[3];
        }
      }
    }
  }
  return backend.makeTensorInfo(outShape, x.dtype, result);
}

function size(shape) {
  return shape.reduce((product, length) => product * length, 1);
}

function padShape(shape) {
  return [...new Array(MAX_RANK - shape.length).fill(1), ...shape];
}

function padStrides(strides) {
  return [...new Array(MAX_RANK - strides.length).fill(0), ...strides];
}

function contiguousStrides(shape) {
  const strides = new Array(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  return strides;
}

// Strides of an operand inside the broadcast output, padded to rank 4: 0 on
// every axis of length 1, which repeats the operand along that axis.
function broadcastStrides(shape) {
  const strides = contiguousStrides(shape).map((stride, axis) =>
    shape[axis] === 1 ? 0 : stride,
  );
  return padStrides(strides);
}
