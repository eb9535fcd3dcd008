"""The encoder's forward pass in NumPy, over the weights exported for the browser.

This is the reference the browser's TensorFlow.js results are checked against,
and what the build uses to draw the attention matrices that readers see with
JavaScript off. It reads `model/web/model.json` and its weight shards
directly, so it needs neither TensorFlow nor the Keras code; each step mirrors
a line of `model/transformer.py`.

Shapes in comments: n tokens, d d_model, h num_heads, d_k = d / h, L layers.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.positional_encoding import positional_encoding
from model.tokenizer import Tokenizer

WEB_DIR = Path(__file__).resolve().parent / "web"
MASK_BIAS = -1e9  # the same additive mask as model/transformer.py

# Names of the serving signature's outputs, shared with js/ and model/export.py.
# Per-layer outputs have a leading layer axis.
OUTPUT_NAMES = (
    "token_embeddings",  # (n, d)
    "positional_encoding",  # (n, d)
    "embedded",  # (n, d), their sum
    "query",  # (L, h, n, d_k)
    "key",  # (L, h, n, d_k)
    "value",  # (L, h, n, d_k)
    "scores",  # (L, h, n, n), Q K^T
    "scaled_scores",  # (L, h, n, n), Q K^T / sqrt(d_k)
    "attention_weights",  # (L, h, n, n), softmax of the masked scaled scores
    "head_outputs",  # (L, h, n, d_k), attention weights times V
    "layer_output",  # (L, n, d)
)


class ModelFileError(Exception):
    """The exported model files are missing, inconsistent or corrupt."""


def _decode(raw: bytes, spec: dict) -> np.ndarray:
    """Decode one weight from the TensorFlow.js binary format into float64 or int."""
    shape = spec["shape"]
    quantization = spec.get("quantization")
    if quantization is None:
        dtype = {"float32": "<f4", "int32": "<i4", "bool": "?"}[spec["dtype"]]
        return np.frombuffer(raw, dtype=dtype).reshape(shape)
    if quantization["dtype"] == "float16":
        return np.frombuffer(raw, dtype="<f2").astype(np.float64).reshape(shape)
    stored = {"uint8": "<u1", "uint16": "<u2"}[quantization["dtype"]]
    values = np.frombuffer(raw, dtype=stored).astype(np.float64)
    return (values * quantization["scale"] + quantization["min"]).reshape(shape)


def _stored_size(spec: dict) -> int:
    count = int(np.prod(spec["shape"], dtype=np.int64))
    quantization = spec.get("quantization")
    dtype = quantization["dtype"] if quantization else spec["dtype"]
    return (
        count
        * {"float32": 4, "int32": 4, "bool": 1, "float16": 2, "uint8": 1, "uint16": 2}[
            dtype
        ]
    )


def read_weights(model_json: Path) -> dict[str, np.ndarray]:
    """Return every weight in a TensorFlow.js graph model by its manifest name."""
    try:
        manifest = json.loads(model_json.read_text(encoding="utf-8"))["weightsManifest"]
    except (OSError, ValueError, KeyError) as error:
        raise ModelFileError(f"cannot read {model_json}: {error}") from error

    weights = {}
    for group in manifest:
        data = b"".join(
            (model_json.parent / path).read_bytes() for path in group["paths"]
        )
        offset = 0
        for spec in group["weights"]:
            size = _stored_size(spec)
            if offset + size > len(data):
                raise ModelFileError(
                    f"weight {spec['name']} runs past the end of "
                    f"{', '.join(group['paths'])}: the shard is truncated"
                )
            weights[spec["name"]] = _decode(data[offset : offset + size], spec)
            offset += size
    return weights


def layer_norm(x: np.ndarray, gamma, beta, epsilon: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + epsilon) * gamma + beta


def softmax(x: np.ndarray) -> np.ndarray:
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


@dataclass
class ReferenceModel:
    """The exported encoder: hyperparameters, tokenizer and named weights."""

    config: dict
    tokenizer: Tokenizer
    weights: dict[str, np.ndarray]  # by Keras path below the encoder, float64

    @classmethod
    def load(cls, web_dir: Path = WEB_DIR) -> "ReferenceModel":
        model_json = web_dir / "model.json"
        try:
            metadata = json.loads(model_json.read_text(encoding="utf-8"))[
                "userDefinedMetadata"
            ]
            config, weight_map = metadata["config"], metadata["weights"]
        except (OSError, ValueError, KeyError) as error:
            raise ModelFileError(
                f"cannot read the model's config and weight names from "
                f"{model_json}: {error}; re-export with `make model`"
            ) from error

        stored = read_weights(model_json)
        missing = sorted({entry["name"] for entry in weight_map.values()} - set(stored))
        if missing:
            raise ModelFileError(f"{model_json} lacks weights {missing}")
        weights = {
            path: stored[entry["name"]].astype(np.float64).reshape(entry["shape"])
            for path, entry in weight_map.items()
        }
        tokenizer = Tokenizer.from_file(web_dir / "tokenizer.json")
        return cls(config, tokenizer, weights)

    @property
    def output_names(self) -> tuple[str, ...]:
        return OUTPUT_NAMES

    def embedding_matrix(self) -> np.ndarray:
        """Return the (vocab_size, d_model) embedding matrix.

        The model stores it as a product (see `model.transformer.Embedding`):
        the token table times the embedding projection.
        """
        return (
            self.weights["embedding/token_embedding"]
            @ self.weights["embedding/embedding_projection"]
        )

    def forward(self, token_ids, causal: bool = False) -> dict[str, np.ndarray]:
        """Run token_ids (n,) through the encoder; return every intermediate.

        The keys and shapes are those of the exported serving signature.
        """
        token_ids = np.asarray(token_ids, dtype=np.int64)
        n, d = len(token_ids), self.config["d_model"]

        rows = self.weights["embedding/token_embedding"][token_ids]  # (n, e)
        token_embeddings = rows @ self.weights["embedding/embedding_projection"]
        # The model adds the table in float32; round it the same way.
        positions = positional_encoding(n, d).astype(np.float32).astype(np.float64)
        x = token_embeddings + positions
        outputs = {
            "token_embeddings": token_embeddings,
            "positional_encoding": positions,
            "embedded": x,
        }

        future = np.triu(np.ones((n, n)), k=1)  # 1 above the diagonal
        mask_bias = MASK_BIAS * future if causal else np.zeros((n, n))
        per_layer = []
        for index in range(self.config["num_layers"]):
            x, steps = self._encoder_layer(x, mask_bias, f"layer_{index}/")
            per_layer.append(steps)
        for name in per_layer[0]:
            outputs[name] = np.stack([steps[name] for steps in per_layer])
        return outputs

    def _encoder_layer(self, x, mask_bias, prefix: str):
        """Run one encoder layer: attention, Add & Norm, feed-forward, Add & Norm."""
        w, epsilon = self.weights, self.config["layer_norm_epsilon"]
        attended, steps = self._self_attention(x, mask_bias, prefix + "attention/")
        x = layer_norm(
            x + attended,
            w[prefix + "attention_norm/gamma"],
            w[prefix + "attention_norm/beta"],
            epsilon,
        )

        hidden = x @ w[prefix + "feed_forward_hidden/kernel"]
        hidden = np.maximum(hidden + w[prefix + "feed_forward_hidden/bias"], 0.0)
        feed_forward = hidden @ w[prefix + "feed_forward_output/kernel"]
        feed_forward += w[prefix + "feed_forward_output/bias"]
        x = layer_norm(
            x + feed_forward,
            w[prefix + "feed_forward_norm/gamma"],
            w[prefix + "feed_forward_norm/beta"],
            epsilon,
        )
        steps["layer_output"] = x
        return x, steps

    def _self_attention(self, x, mask_bias, prefix: str):
        """Multi-head scaled dot-product attention over x (n, d)."""
        w = self.weights
        n, d = x.shape
        h = self.config["num_heads"]
        d_k = d // h

        def project(name):
            projected = x @ w[f"{prefix}{name}_kernel"] + w[f"{prefix}{name}_bias"]
            return projected.reshape(n, h, d_k).transpose(1, 0, 2)  # (h, n, d_k)

        query, key, value = project("query"), project("key"), project("value")
        scores = query @ key.transpose(0, 2, 1)  # (h, n, n)
        scaled_scores = scores / np.sqrt(d_k)
        attention_weights = softmax(scaled_scores + mask_bias)
        head_outputs = attention_weights @ value  # (h, n, d_k)

        concatenated = head_outputs.transpose(1, 0, 2).reshape(n, d)  # (n, h * d_k)
        output = concatenated @ w[prefix + "output_kernel"] + w[prefix + "output_bias"]
        return output, {
            "query": query,
            "key": key,
            "value": value,
            "scores": scores,
            "scaled_scores": scaled_scores,
            "attention_weights": attention_weights,
            "head_outputs": head_outputs,
        }
