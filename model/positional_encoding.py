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


def shift_rotations(offset: int, d_model: int) -> np.ndarray:
    """Return the (d_model // 2, 2, 2) blocks of M_k with PE(p + k) = M_k @ PE(p).

    Each pair of dimensions (2i, 2i+1) contains (sin(p w_i), cos(p w_i)). Moving
    k positions ahead rotates that pair by the angle k w_i, and by the angle
    sum identities the rotation's entries are PE(k, 2i+1) = cos(k w_i) and
    PE(k, 2i) = sin(k w_i), so M_k depends on k alone, never on p.
    """
    row = positional_encoding(offset + 1, d_model)[offset]
    sin_kw, cos_kw = row[0::2][: d_model // 2], row[1::2]
    return np.stack(
        [np.stack([cos_kw, sin_kw], axis=-1), np.stack([-sin_kw, cos_kw], axis=-1)],
        axis=1,
    )


def explorer_data(num_positions: int, d_model: int, max_offset: int) -> dict:
    """Return the positional-encoding explorer's data as JSON-ready lists.

    `positional_encoding` is the (num_positions, d_model) table and
    `rotations[k]` the blocks of M_k for k = 0 .. max_offset, rounded to 6
    decimals: the page only draws them.
    """
    table = positional_encoding(num_positions, d_model)
    rotations = [shift_rotations(k, d_model) for k in range(max_offset + 1)]
    return {
        "d_model": d_model,
        "num_positions": num_positions,
        "max_offset": max_offset,
        "positional_encoding": np.round(table, 6).tolist(),
        "rotations": np.round(np.array(rotations), 6).tolist(),
    }
