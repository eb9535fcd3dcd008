"""The tiny Transformer encoder behind the article's live demo.

The package is split in the order data flows: `tokenizer` turns text into
ids, `positional_encoding` builds the sinusoidal table, `transformer` is the
Keras model, `train` fits it, `export` writes the TensorFlow.js files, and
`reference` runs the same forward pass in NumPy over the exported weights.
"""
