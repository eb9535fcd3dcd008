// The encoder's forward pass in plain JavaScript: Float32Array loops over the
// weights in model.json and its shards, the same files TensorFlow.js loads.
// benchmarks/run.py evaluates this file in the demo's page and times it as
// the floor that TensorFlow.js could reach on the same machine.
//
// It defines globalThis.loadReferenceModel(modelUrl), which resolves to
// { forward(ids, causal) }, returning { attentionWeights: Float32Array of
// [layers, heads, n, n], layerOutput: Float32Array of [n, dModel] }. The
// steps follow model/reference.py line by line.

globalThis.loadReferenceModel = async function loadReferenceModel(modelUrl) {
  const MASK_BIAS = -1e9;
  const response = await fetch(new URL("model.json", modelUrl));
  if (!response.ok) throw new Error(`loading model.json failed: HTTP ${response.status}`);
  const modelJson = await response.json();
  const { config, weights: weightMap } = modelJson.userDefinedMetadata;
  const stored = await readWeights(modelJson, modelUrl);

  const weights = {};
  for (const [path, { name }] of Object.entries(weightMap)) {
    if (!stored[name]) throw new Error(`model.json has no weight ${name} for ${path}`);
    weights[path] = stored[name];
  }

  const dModel = config.d_model;
  const numHeads = config.num_heads;
  const numLayers = config.num_layers;
  const dK = dModel / numHeads;
  const epsilon = config.layer_norm_epsilon;

  // x (n × inputs) times kernel (inputs × outputs) plus bias, into a new array.
  function dense(x, n, inputs, kernel, bias, outputs) {
    const result = new Float32Array(n * outputs);
    for (let row = 0; row < n; row++) {
      for (let out = 0; out < outputs; out++) {
        let sum = bias[out];
        for (let i = 0; i < inputs; i++) sum += x[row * inputs + i] * kernel[i * outputs + out];
        result[row * outputs + out] = sum;
      }
    }
    return result;
  }

  function addAndNormalize(x, y, n, gamma, beta) {
    const result = new Float32Array(n * dModel);
    for (let row = 0; row < n; row++) {
      let mean = 0;
      for (let i = 0; i < dModel; i++) {
        const value = x[row * dModel + i] + y[row * dModel + i];
        result[row * dModel + i] = value;
        mean += value;
      }
      mean /= dModel;
      let variance = 0;
      for (let i = 0; i < dModel; i++) {
        const deviation = result[row * dModel + i] - mean;
        variance += deviation * deviation;
      }
      variance /= dModel;
      const scale = 1 / Math.sqrt(variance + epsilon);
      for (let i = 0; i < dModel; i++) {
        const index = row * dModel + i;
        result[index] = (result[index] - mean) * scale * gamma[i] + beta[i];
      }
    }
    return result;
  }

  function forward(ids, causal = false) {
    const n = ids.length;
    // The token table's rows, widened to d_model by the embedding projection.
    const dEmbedding = config.d_embedding;
    const table = weights["embedding/token_embedding"];
    const rows = new Float32Array(n * dEmbedding);
    for (let position = 0; position < n; position++) {
      const start = ids[position] * dEmbedding;
      rows.set(table.subarray(start, start + dEmbedding), position * dEmbedding);
    }
    const zeros = new Float32Array(dModel);
    let x = dense(rows, n, dEmbedding, weights["embedding/embedding_projection"], zeros, dModel);
    for (let position = 0; position < n; position++) {
      for (let i = 0; i < dModel; i++) {
        const angle = position / 10000 ** ((2 * Math.floor(i / 2)) / dModel);
        const encoding = Math.fround(i % 2 === 0 ? Math.sin(angle) : Math.cos(angle));
        x[position * dModel + i] += encoding;
      }
    }

    const attentionWeights = new Float32Array(numLayers * numHeads * n * n);
    const scores = new Float64Array(n);
    for (let layer = 0; layer < numLayers; layer++) {
      const prefix = `layer_${layer}/`;
      const w = (name) => weights[prefix + name];
      const query = dense(x, n, dModel, w("attention/query_kernel"), w("attention/query_bias"), dModel);
      const key = dense(x, n, dModel, w("attention/key_kernel"), w("attention/key_bias"), dModel);
      const value = dense(x, n, dModel, w("attention/value_kernel"), w("attention/value_bias"), dModel);

      const concatenated = new Float32Array(n * dModel);
      for (let head = 0; head < numHeads; head++) {
        const base = (layer * numHeads + head) * n * n;
        const column = head * dK;
        for (let row = 0; row < n; row++) {
          let max = -Infinity;
          for (let col = 0; col < n; col++) {
            let dot = 0;
            for (let i = 0; i < dK; i++) {
              dot += query[row * dModel + column + i] * key[col * dModel + column + i];
            }
            const score = dot / Math.sqrt(dK) + (causal && col > row ? MASK_BIAS : 0);
            scores[col] = score;
            if (score > max) max = score;
          }
          let sum = 0;
          for (let col = 0; col < n; col++) {
            scores[col] = Math.exp(scores[col] - max);
            sum += scores[col];
          }
          for (let col = 0; col < n; col++) {
            const weight = scores[col] / sum;
            attentionWeights[base + row * n + col] = weight;
            for (let i = 0; i < dK; i++) {
              concatenated[row * dModel + column + i] += weight * value[col * dModel + column + i];
            }
          }
        }
      }

      const attended = dense(
        concatenated, n, dModel, w("attention/output_kernel"), w("attention/output_bias"), dModel,
      );
      x = addAndNormalize(x, attended, n, w("attention_norm/gamma"), w("attention_norm/beta"));
      const dFF = w("feed_forward_hidden/bias").length;
      const hidden = dense(
        x, n, dModel, w("feed_forward_hidden/kernel"), w("feed_forward_hidden/bias"), dFF,
      );
      for (let i = 0; i < hidden.length; i++) hidden[i] = Math.max(hidden[i], 0);
      const feedForward = dense(
        hidden, n, dFF, w("feed_forward_output/kernel"), w("feed_forward_output/bias"), dModel,
      );
      x = addAndNormalize(x, feedForward, n, w("feed_forward_norm/gamma"), w("feed_forward_norm/beta"));
    }
    return { attentionWeights, layerOutput: x };
  }

  return { forward, config };

  // Decodes every weight of the manifest into a Float32Array by its name.
  async function readWeights(manifestJson, baseUrl) {
    const result = {};
    for (const group of manifestJson.weightsManifest) {
      const buffers = await Promise.all(
        group.paths.map(async (path) => {
          const shard = await fetch(new URL(path, baseUrl));
          if (!shard.ok) throw new Error(`loading ${path} failed: HTTP ${shard.status}`);
          return new Uint8Array(await shard.arrayBuffer());
        }),
      );
      const data = new Uint8Array(buffers.reduce((total, part) => total + part.length, 0));
      let position = 0;
      for (const part of buffers) {
        data.set(part, position);
        position += part.length;
      }
      let offset = 0;
      for (const spec of group.weights) {
        const count = spec.shape.reduce((product, length) => product * length, 1);
        const quantization = spec.quantization;
        const dtype = quantization ? quantization.dtype : spec.dtype;
        const bytes = { float32: 4, int32: 4, bool: 1, float16: 2, uint8: 1, uint16: 2 }[dtype];
        const view = new DataView(data.buffer, offset, count * bytes);
        const values = new Float32Array(count);
        for (let i = 0; i < count; i++) {
          if (dtype === "float32") values[i] = view.getFloat32(i * 4, true);
          else if (dtype === "int32") values[i] = view.getInt32(i * 4, true);
          else if (dtype === "bool") values[i] = view.getUint8(i);
          else if (dtype === "float16") values[i] = halfToFloat(view.getUint16(i * 2, true));
          else if (dtype === "uint8") values[i] = view.getUint8(i) * quantization.scale + quantization.min;
          else values[i] = view.getUint16(i * 2, true) * quantization.scale + quantization.min;
        }
        result[spec.name] = values;
        offset += count * bytes;
      }
    }
    return result;
  }

  function halfToFloat(bits) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const fraction = bits & 0x3ff;
    if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
    if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
    return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
};
