"""The tiny Transformer encoder behind the article's live demo.

The package is split in the order data flows. `tokenizer` turns text into
ids and `positional_encoding` builds the sinusoidal table. `transformer` is
the Keras model, `corpus` writes its training sentences, `train` fits it and
`export` writes the TensorFlow.js files. `reference` runs the same forward
pass in NumPy over the exported weights, `measure` reports what the heads do,
and `inspect` prints it all as JSON.
"""
