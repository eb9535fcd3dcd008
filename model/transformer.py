"""The Keras Transformer encoder, written out step by step.

Attention is spelled out here instead of using `keras.layers.MultiHeadAttention`.
That makes every intermediate the article shows (per-head Q, K and V, raw and
scaled scores, attention weights, head outputs) a named tensor that the
exported TensorFlow.js graph can return. It also lets the NumPy reference in
`model/reference.py` mirror each line.

Shapes in comments: B batch, n tokens, d d_model, e d_embedding, h num_heads,
d_k = d / h.
"""

from dataclasses import asdict, dataclass

import keras
import numpy as np
from keras import ops

from model.positional_encoding import positional_encoding

# Added to the scaled scores where a query must not see a key. Large enough
# that exp() underflows to exactly 0 in float32, small enough to stay finite.
MASK_BIAS = -1e9


@dataclass(frozen=True)
class ModelConfig:
    """Hyperparameters, saved beside the exported model as config.json."""

    vocab_size: int
    max_tokens: int = 32
    d_model: int = 32
    # Width of the stored token table; a learned projection widens each row
    # to d_model. Below d_model, this shrinks the largest weight of the
    # download (see Embedding).
    d_embedding: int = 16
    num_heads: int = 4
    num_layers: int = 2
    d_ff: int = 64
    layer_norm_epsilon: float = 1e-5

    @property
    def d_k(self) -> int:
        return self.d_model // self.num_heads

    def to_json(self) -> dict:
        return asdict(self)

    def __post_init__(self):
        if self.d_model % self.num_heads:
            raise ValueError(
                f"d_model ({self.d_model}) must be divisible by "
                f"num_heads ({self.num_heads})"
            )


class Embedding(keras.layers.Layer):
    """Token embedding plus the fixed sinusoidal positional encoding.

    The (vocab_size, d_model) embedding matrix is kept as a product, as in
    ALBERT: a (vocab_size, d_embedding) token table times a (d_embedding,
    d_model) projection. With d_embedding 16 the table is half the size, and
    it is most of the exported weights. `embedding_matrix` returns the
    product.
    """

    def __init__(self, config: ModelConfig, **kwargs):
        super().__init__(**kwargs)
        self.config = config
        self.positional_table = positional_encoding(
            config.max_tokens, config.d_model
        ).astype(np.float32)

    def build(self, input_shape):
        config = self.config
        self.token_embedding = self.add_weight(
            name="token_embedding",
            shape=(config.vocab_size, config.d_embedding),
            initializer=keras.initializers.RandomNormal(stddev=0.5),
        )
        self.embedding_projection = self.add_weight(
            name="embedding_projection",
            shape=(config.d_embedding, config.d_model),
            initializer=keras.initializers.GlorotUniform(),
        )

    def embedding_matrix(self):
        """Return the (vocab_size, d_model) embedding matrix."""
        return ops.matmul(self.token_embedding, self.embedding_projection)

    def call(self, token_ids):
        n = ops.shape(token_ids)[-1]
        rows = ops.take(self.token_embedding, token_ids, axis=0)  # (B, n, e)
        token_embeddings = ops.matmul(rows, self.embedding_projection)  # (B, n, d)
        positions = ops.convert_to_tensor(self.positional_table)[:n]  # (n, d)
        embedded = token_embeddings + positions
        return {
            "token_embeddings": token_embeddings,
            "positional_encoding": positions,
            "embedded": embedded,
        }


class SelfAttention(keras.layers.Layer):
    """Multi-head scaled dot-product self-attention with the output projection."""

    def __init__(self, config: ModelConfig, **kwargs):
        super().__init__(**kwargs)
        self.config = config

    def build(self, input_shape):
        d, h, d_k = self.config.d_model, self.config.num_heads, self.config.d_k
        glorot = keras.initializers.GlorotUniform()
        for name in ("query", "key", "value"):
            setattr(
                self,
                f"{name}_kernel",
                self.add_weight(
                    name=f"{name}_kernel", shape=(d, h * d_k), initializer=glorot
                ),
            )
            setattr(
                self,
                f"{name}_bias",
                self.add_weight(
                    name=f"{name}_bias", shape=(h * d_k,), initializer="zeros"
                ),
            )
        self.output_kernel = self.add_weight(
            name="output_kernel", shape=(h * d_k, d), initializer=glorot
        )
        self.output_bias = self.add_weight(
            name="output_bias", shape=(d,), initializer="zeros"
        )

    def _split_heads(self, x):
        batch, n = ops.shape(x)[0], ops.shape(x)[1]
        x = ops.reshape(x, (batch, n, self.config.num_heads, self.config.d_k))
        return ops.transpose(x, (0, 2, 1, 3))  # (B, h, n, d_k)

    def call(self, x, mask_bias):
        """Attend over x (B, n, d).

        mask_bias, (B or 1, 1, n, n), is added to the scaled scores.
        """
        query = self._split_heads(ops.matmul(x, self.query_kernel) + self.query_bias)
        key = self._split_heads(ops.matmul(x, self.key_kernel) + self.key_bias)
        value = self._split_heads(ops.matmul(x, self.value_kernel) + self.value_bias)

        scores = ops.matmul(query, ops.transpose(key, (0, 1, 3, 2)))  # (B, h, n, n)
        scaled_scores = scores / np.float32(np.sqrt(self.config.d_k))
        attention_weights = ops.softmax(scaled_scores + mask_bias, axis=-1)
        head_outputs = ops.matmul(attention_weights, value)  # (B, h, n, d_k)

        batch, n = ops.shape(x)[0], ops.shape(x)[1]
        concatenated = ops.reshape(
            ops.transpose(head_outputs, (0, 2, 1, 3)),  # (B, n, h, d_k)
            (batch, n, self.config.d_model),
        )
        output = ops.matmul(concatenated, self.output_kernel) + self.output_bias
        return output, {
            "query": query,
            "key": key,
            "value": value,
            "scores": scores,
            "scaled_scores": scaled_scores,
            "attention_weights": attention_weights,
            "head_outputs": head_outputs,
        }


class EncoderLayer(keras.layers.Layer):
    """Self-attention and a feed-forward network, each followed by Add & Norm."""

    def __init__(self, config: ModelConfig, **kwargs):
        super().__init__(**kwargs)
        self.attention = SelfAttention(config, name="attention")
        self.attention_norm = keras.layers.LayerNormalization(
            epsilon=config.layer_norm_epsilon, name="attention_norm"
        )
        self.feed_forward_hidden = keras.layers.Dense(
            config.d_ff, activation="relu", name="feed_forward_hidden"
        )
        self.feed_forward_output = keras.layers.Dense(
            config.d_model, name="feed_forward_output"
        )
        self.feed_forward_norm = keras.layers.LayerNormalization(
            epsilon=config.layer_norm_epsilon, name="feed_forward_norm"
        )

    def call(self, x, mask_bias):
        attended, steps = self.attention(x, mask_bias)
        x = self.attention_norm(x + attended)
        feed_forward = self.feed_forward_output(self.feed_forward_hidden(x))
        x = self.feed_forward_norm(x + feed_forward)
        steps["layer_output"] = x
        return x, steps


class Encoder(keras.Model):
    """Embedding, positional encoding and a stack of encoder layers.

    `call` returns the final hidden states and a dict of every intermediate,
    with per-layer tensors stacked on a leading layer axis.
    """

    def __init__(self, config: ModelConfig, **kwargs):
        super().__init__(**kwargs)
        self.config = config
        self.embedding = Embedding(config, name="embedding")
        self.encoder_layers = [
            EncoderLayer(config, name=f"layer_{index}")
            for index in range(config.num_layers)
        ]

    def call(self, token_ids, padding_mask=None, causal=0.0):
        """Run token_ids (B, n) through the stack.

        padding_mask (B, n) is 1 for real tokens and 0 for padding. causal is
        a float scalar: 1 applies the decoder's causal mask, 0 applies none.
        """
        steps = self.embedding(token_ids)
        x = steps["embedded"]
        mask_bias = self.mask_bias(token_ids, padding_mask, causal)

        per_layer = []
        for layer in self.encoder_layers:
            x, layer_steps = layer(x, mask_bias)
            per_layer.append(layer_steps)
        for name in per_layer[0]:
            steps[name] = ops.stack([step[name] for step in per_layer], axis=1)
        return x, steps  # steps[...] is (B, L, ...) for per-layer tensors

    @staticmethod
    def mask_bias(token_ids, padding_mask, causal):
        """Return the additive mask, (B or 1, 1, n, n), of 0 and MASK_BIAS."""
        n = ops.shape(token_ids)[-1]
        rows = ops.arange(n)[:, None]
        cols = ops.arange(n)[None, :]
        future = ops.cast(cols > rows, "float32")  # 1 above the diagonal
        bias = (causal * MASK_BIAS) * future[None, None]  # (1, 1, n, n)
        if padding_mask is not None:
            padding = 1.0 - ops.cast(padding_mask, "float32")  # 1 at padding keys
            bias = bias + MASK_BIAS * padding[:, None, None, :]
        return bias


class MaskedLanguageModel(keras.Model):
    """The encoder with a tied output layer that predicts masked tokens.

    Only the encoder is exported; this head exists to train it. Two heads also
    get a hint, an extra loss term that rewards one pattern a reader can
    check: `previous_token_head` putting weight on the token just before each
    token, and `pronoun_head` putting weight from a pronoun on its
    antecedent (inputs["pronoun_positions"] and ["antecedent_positions"], -1
    where an example has none). The other heads learn only from the words.
    """

    def __init__(
        self,
        config: ModelConfig,
        previous_token_head=(0, 0),
        pronoun_head=(1, 0),
        hint_weight=0.5,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.encoder = Encoder(config, name="encoder")
        self.previous_token_head = previous_token_head
        self.pronoun_head = pronoun_head
        self.hint_weight = hint_weight
        self.output_bias = None

    def build(self, input_shape):
        self.output_bias = self.add_weight(
            name="output_bias",
            shape=(self.encoder.config.vocab_size,),
            initializer="zeros",
        )

    def call(self, inputs):
        """Return logits (B, P, vocab_size) at inputs["masked_positions"] (B, P)."""
        padding_mask = inputs["padding_mask"]
        hidden, steps = self.encoder(inputs["token_ids"], padding_mask)
        weights = steps["attention_weights"]  # (B, L, h, n, n)
        self.add_loss(
            self.hint_weight
            * (
                previous_token_loss(weights, padding_mask, self.previous_token_head)
                + pronoun_loss(
                    weights,
                    inputs["pronoun_positions"],
                    inputs["antecedent_positions"],
                    self.pronoun_head,
                )
            )
        )

        positions = ops.expand_dims(inputs["masked_positions"], -1)  # (B, P, 1)
        masked = ops.take_along_axis(hidden, positions, axis=1)  # (B, P, d)
        embedding = self.encoder.embedding.embedding_matrix()  # (V, d)
        return ops.matmul(masked, ops.transpose(embedding)) + self.output_bias


def previous_token_loss(weights, padding_mask, head):
    """Mean negative log weight from each token (but the first) to the one before."""
    layer, head_index = head
    rows = weights[:, layer, head_index, 1:, :]  # (B, n - 1, n)
    n = ops.shape(weights)[-1]
    previous = ops.arange(n - 1)[None, :, None]  # token i + 1 looks at token i
    previous = ops.broadcast_to(previous, (ops.shape(rows)[0], n - 1, 1))
    chosen = ops.take_along_axis(rows, previous, axis=-1)[..., 0]  # (B, n - 1)
    real = padding_mask[:, 1:]
    return -ops.sum(ops.log(chosen + 1e-9) * real) / ops.maximum(ops.sum(real), 1.0)


def pronoun_loss(weights, pronoun_positions, antecedent_positions, head):
    """Mean negative log weight from each pronoun to its antecedent."""
    layer, head_index = head
    present = ops.cast(pronoun_positions >= 0, "float32")  # (B,)
    pronoun = ops.maximum(pronoun_positions, 0)[:, None, None]
    antecedent = ops.maximum(antecedent_positions, 0)[:, None]
    grid = weights[:, layer, head_index]  # (B, n, n)
    row = ops.take_along_axis(grid, pronoun, axis=1)[:, 0, :]  # (B, n)
    chosen = ops.take_along_axis(row, antecedent, axis=1)[:, 0]  # (B,)
    return -ops.sum(ops.log(chosen + 1e-9) * present) / ops.maximum(
        ops.sum(present), 1.0
    )
