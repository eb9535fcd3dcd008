"""Print what the exported model computes for a sentence, as JSON.

    python -m model.inspect "The animal didn't cross the street because it was tired."

The numbers come from the NumPy reference in `model/reference.py`, run over
the same weight files the browser loads, so they are what the live demo must
show. Keys: `tokens` (as shown to the reader), `ids`, `unknown` (one boolean
per token), `truncated`, `total_tokens`, `attention` (layers x heads x n x n),
and every intermediate of the forward pass under the name the browser uses
(`token_embeddings`, `positional_encoding`, `embedded`, `query`, `key`,
`value`, `scores`, `scaled_scores`, `attention_weights`, `head_outputs`,
`layer_output`).
"""

import argparse
import functools
import json
import sys
from pathlib import Path

from model.reference import WEB_DIR, ModelFileError, ReferenceModel


@functools.cache
def load_model(web_dir: Path = WEB_DIR) -> ReferenceModel:
    return ReferenceModel.load(web_dir)


def inspect_sentence(
    sentence: str, causal: bool = False, web_dir: Path = WEB_DIR
) -> dict:
    """Tokenize the sentence and run the reference forward pass over it.

    A sentence with no tokens gives empty lists, not an error, so callers can
    show a "nothing to show" state.
    """
    model = load_model(web_dir)
    encoding = model.tokenizer.encode(sentence)
    result = {
        "sentence": sentence,
        "tokens": encoding.tokens,
        "ids": encoding.ids,
        "unknown": encoding.unknown,
        "truncated": encoding.truncated,
        "total_tokens": encoding.total_tokens,
        "max_tokens": model.tokenizer.max_tokens,
        "causal": causal,
        "num_layers": model.config["num_layers"],
        "num_heads": model.config["num_heads"],
    }
    if encoding.ids:
        steps = model.forward(encoding.ids, causal=causal)
        result.update({name: array.tolist() for name, array in steps.items()})
    else:
        result.update({name: [] for name in model.output_names})
    result["attention"] = result["attention_weights"]
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m model.inspect",
        description="Print the model's tokens, attention and every intermediate "
        "for a sentence, as JSON.",
    )
    parser.add_argument(
        "sentence", nargs="?", help="the sentence; read from standard input if omitted"
    )
    parser.add_argument(
        "--causal", action="store_true", help="apply the decoder's causal mask"
    )
    parser.add_argument(
        "--model-dir",
        type=Path,
        default=WEB_DIR,
        help="folder of the exported model (default: model/web)",
    )
    args = parser.parse_args(argv)
    sentence = args.sentence if args.sentence is not None else sys.stdin.read()

    try:
        result = inspect_sentence(sentence, args.causal, args.model_dir)
    except (ModelFileError, OSError, ValueError) as error:
        print(f"model.inspect: {error}", file=sys.stderr)
        return 1
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
