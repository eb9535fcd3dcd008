// Number formats shared by the live matrices and the build-time ones, which
// build.py renders with the same rules.

export const HEAT_LEVELS = 16;

/** Returns the color step, 0 to HEAT_LEVELS - 1, of an attention weight in [0, 1]. */
export function heatLevel(weight) {
  if (!(weight > 0)) return 0;
  return Math.min(HEAT_LEVELS - 1, Math.floor(weight * HEAT_LEVELS));
}

/** Formats a weight for the data-value attribute: 8 significant digits. */
export function attentionValue(weight) {
  return weight.toPrecision(8);
}

/** Formats a weight as a whole percentage, the cell's text for screen readers. */
export function percent(weight) {
  return `${Math.round(weight * 100)}%`;
}
