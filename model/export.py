"""Export the trained encoder to a TensorFlow.js graph model.

The encoder is wrapped in a `tf.function` whose serving signature takes
`token_ids` (int32, shape [n]) and `causal` (float32 scalar, 1 applies the
decoder's causal mask) and returns every intermediate by name. It is saved as
a TensorFlow SavedModel and converted with `tensorflowjs` into `model/web/`:
`model.json` and its weight shard, plus `tokenizer.json`,
which the browser and the NumPy reference read. model.json also
carries the hyperparameters and a map from Keras weight paths to the names
the converter gave them.
"""

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

from model.reference import OUTPUT_NAMES, WEB_DIR

log = logging.getLogger(__name__)


def serving_archive(encoder):
    """Wrap the encoder in a Keras ExportArchive with the serving signature."""
    import keras
    import tensorflow as tf

    def serve(token_ids, causal):
        _, steps = encoder(token_ids[tf.newaxis, :], None, causal)
        outputs = {name: steps[name][0] for name in OUTPUT_NAMES}
        outputs["positional_encoding"] = steps["positional_encoding"]  # not batched
        return {name: tf.identity(outputs[name], name=name) for name in OUTPUT_NAMES}

    archive = keras.export.ExportArchive()
    archive.track(encoder)
    archive.add_endpoint(
        name="serving_default",
        fn=serve,
        input_signature=[
            tf.TensorSpec([None], tf.int32, name="token_ids"),
            tf.TensorSpec([], tf.float32, name="causal"),
        ],
    )
    return archive


def match_weight_names(model_json: Path, encoder) -> dict[str, dict]:
    """Map each Keras weight path to the converter's name for it and its shape.

    Freezing the graph renames variables after the ops that read them
    ("attention_1/Cast_2/ReadVariableOp"), so the match is made on values,
    which are copied exactly in a float32 export. Some constants are stored
    reshaped (LayerNormalization's gamma as (1, 1, d)), hence the shape.
    """
    import numpy as np

    from model.reference import read_weights

    stored = read_weights(model_json)
    names = {}
    for variable in encoder.weights:
        path = variable.path.split(f"{encoder.name}/", 1)[-1]
        values = np.asarray(variable.numpy(), dtype=np.float32).ravel()
        matches = [
            name
            for name, array in stored.items()
            if array.size == values.size
            and array.dtype == np.float32
            and np.array_equal(array.ravel(), values)
        ]
        if len(matches) != 1:
            raise RuntimeError(
                f"weight {path} matches {len(matches)} exported constants "
                f"({matches}); expected exactly one"
            )
        names[path] = {"name": matches[0], "shape": list(variable.shape)}
    return names


def add_metadata(model_json: Path, config, weight_names: dict) -> None:
    """Store the hyperparameters and the weight-name map in model.json."""
    model = json.loads(model_json.read_text(encoding="utf-8"))
    metadata = model.setdefault("userDefinedMetadata", {})
    metadata["config"] = config.to_json()
    metadata["weights"] = weight_names
    model_json.write_text(json.dumps(model, sort_keys=True), encoding="utf-8")


def quantization_map(weight_names: dict) -> dict[str, list[str]]:
    """Choose how each trained weight is stored in the exported shard.

    Every trained weight is stored as uint8, with one scale and offset per
    tensor, because the weights are most of the page's download. The
    positional-encoding table stays float32, so that the browser adds
    exactly the table the article's figures draw. The NumPy reference reads
    the same stored values, so it stays comparable to the browser.
    """
    return {"uint8": sorted(entry["name"] for entry in weight_names.values())}


def convert(saved_model_dir: Path, out_dir: Path, quantization=None) -> None:
    # tensorflowjs imports tensorflow_decision_forests, whose welcome message
    # needs IPython whenever standard output is not a terminal.
    os.environ.setdefault("TFDF_DISABLE_WELCOME_MESSAGE", "1")
    from tensorflowjs.converters import tf_saved_model_conversion_v2 as converter

    converter.convert_tf_saved_model(
        str(saved_model_dir),
        str(out_dir),
        signature_def="serving_default",
        saved_model_tags="serve",
        use_structured_outputs_names=True,
        quantization_dtype_map=quantization,
    )


def export(encoder, tokenizer, config, web_dir: Path = WEB_DIR) -> None:
    """Convert the encoder into `web_dir`, replacing what was there.

    A first float32 conversion finds the converter's name for every weight;
    the second stores them quantized under the same names.
    """
    archive = serving_archive(encoder)
    with tempfile.TemporaryDirectory() as scratch:
        saved_model_dir = Path(scratch) / "saved_model"
        float_dir = Path(scratch) / "float32"
        converted_dir = Path(scratch) / "web"
        archive.write_out(str(saved_model_dir))

        convert(saved_model_dir, float_dir)
        weight_names = match_weight_names(float_dir / "model.json", encoder)
        convert(saved_model_dir, converted_dir, quantization_map(weight_names))

        add_metadata(converted_dir / "model.json", config, weight_names)
        (converted_dir / "tokenizer.json").write_text(
            json.dumps(tokenizer.to_json(), indent=1) + "\n", encoding="utf-8"
        )
        if web_dir.exists():
            shutil.rmtree(web_dir)
        shutil.copytree(converted_dir, web_dir)

    sizes = {path.name: path.stat().st_size for path in sorted(web_dir.iterdir())}
    log.info("exported to %s: %s", web_dir, sizes)
