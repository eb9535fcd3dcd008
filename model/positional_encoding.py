"""Sinusoidal positional encoding, shared by the model and the article's figures."""

import numpy as np


def positional_encoding(num_positions: int, d_model: int) -> np.ndarray:
    """Return the (num_positions, d_model) sinusoidal table in float64.

    Columns interleave sine and cosine of the same frequency:
    PE(p, 2k) = sin(p / 10000^(2k/d_model)) and
    PE(p, 2k+1) = cos(p / 10000^(2k/d_model)).
    """
    if num_positions < 0 or d_model < 1:
        raise ValueError(
            f"expected num_positions >= 0 and d_model >= 1, "
            f"got {num_positions} and {d_model}"
        )
    positions = np.arange(num_positions, dtype=np.float64)[:, np.newaxis]
    even_dims = np.arange(0, d_model, 2, dtype=np.float64)  # 2k
    angles = positions / 10000.0 ** (even_dims / d_model)  # (positions, ceil(d/2))

    table = np.empty((num_positions, d_model), dtype=np.float64)
    table[:, 0::2] = np.sin(angles)
    table[:, 1::2] = np.cos(angles[:, : d_model // 2])
    return table
