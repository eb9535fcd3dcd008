"""Number formats of the demo's attention matrices, as Jinja2 filters.

These are the Python twins of `heatLevel`, `attentionValue` and `percent` in
js/format.js: the build renders the matrices that readers see without
JavaScript, the browser redraws them live, and both must write the same text.
"""

import math
from decimal import ROUND_HALF_UP, Decimal

HEAT_LEVELS = 16


def heat_level(weight: float) -> int:
    """Return the color step, 0 to 15, of an attention weight in [0, 1].

    Matches `heatLevel`: NaN and values <= 0 give 0, and 1 gives the top step.
    """
    if not weight > 0:
        return 0
    return min(HEAT_LEVELS - 1, math.floor(weight * HEAT_LEVELS))


def to_precision(value: float, precision: int) -> str:
    """Format like JavaScript's Number.prototype.toPrecision (ECMA-262).

    Rounds half away from zero on the exact binary value, as the standard
    requires, and switches to exponent notation when the exponent is below -6
    or at least `precision`, writing it as `e+N` or `e-N`.
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"

    sign = "-" if value < 0 else ""
    exact = abs(Decimal(value))
    exponent = 0 if exact == 0 else exact.adjusted()
    digits = exact.scaleb(precision - 1 - exponent).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    if digits >= 10**precision:
        exponent += 1
        digits = exact.scaleb(precision - 1 - exponent).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
    mantissa = str(int(digits)).rjust(precision, "0")

    if exponent < -6 or exponent >= precision:
        fraction = f".{mantissa[1:]}" if precision > 1 else ""
        exponent_sign = "+" if exponent >= 0 else "-"
        return f"{sign}{mantissa[0]}{fraction}e{exponent_sign}{abs(exponent)}"
    if exponent == precision - 1:
        return f"{sign}{mantissa}"
    if exponent >= 0:
        return f"{sign}{mantissa[: exponent + 1]}.{mantissa[exponent + 1 :]}"
    return f"{sign}0.{'0' * (-exponent - 1)}{mantissa}"


def attention_value(weight: float) -> str:
    """Format a weight for the data-value attribute: 8 significant digits."""
    return to_precision(float(weight), 8)


def percent(weight: float) -> str:
    """Format a weight as a whole percentage, rounding halves up like Math.round."""
    scaled = float(weight) * 100
    if math.isnan(scaled):
        return "NaN%"
    rounded = math.floor(scaled)
    if scaled - rounded >= 0.5:
        rounded += 1
    return f"{rounded}%"


FILTERS = {
    "heat_level": heat_level,
    "attention_value": attention_value,
    "percent": percent,
}
