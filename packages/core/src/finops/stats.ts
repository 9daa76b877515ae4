/**
 * The little statistics the analyses need, written out so every method a report
 * names is visible here: medians and MAD for robust z-scores, and ordinary least
 * squares for the forecast's trend.
 */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute deviation from the median (unscaled). */
export function mad(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

/**
 * The spread of `residuals` as a normal standard deviation would be, robustly:
 * 1.4826 × MAD, or, when more than half the residuals are identical (MAD = 0, common
 * on flat daily costs), 1.2533 × the mean absolute deviation (Iglewicz & Hoaglin).
 * 0 when every residual is the same: then nothing stands out.
 */
export function robustScale(residuals: readonly number[]): number {
  const m = mad(residuals);
  if (m > 0) return 1.4826 * m;
  const center = median(residuals);
  const meanAbs = residuals.reduce((sum, r) => sum + Math.abs(r - center), 0) / Math.max(1, residuals.length);
  return 1.2533 * meanAbs;
}

export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
}

export interface LeastSquaresFit {
  coefficients: number[];
  /** (XᵀX)⁻¹, to propagate the coefficients' uncertainty into a prediction. */
  inverse: number[][];
  /** Residual variance with n − p degrees of freedom. */
  residualVariance: number;
  degreesOfFreedom: number;
}

/**
 * Ordinary least squares of `y` on the rows of `x` (each row one observation's
 * regressors, intercept included by the caller). Undefined when the design is
 * singular or has no degrees of freedom left.
 */
export function leastSquares(x: readonly (readonly number[])[], y: readonly number[]): LeastSquaresFit | undefined {
  const n = x.length;
  const p = x[0]?.length ?? 0;
  if (n === 0 || p === 0 || n <= p || y.length !== n) return undefined;
  const xtx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const xty = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) {
    const row = x[i]!;
    for (let a = 0; a < p; a++) {
      xty[a]! += row[a]! * y[i]!;
      for (let b = 0; b < p; b++) xtx[a]![b]! += row[a]! * row[b]!;
    }
  }
  const inverse = invert(xtx);
  if (!inverse) return undefined;
  const coefficients = inverse.map((r) => r.reduce((sum, v, j) => sum + v * xty[j]!, 0));
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (y[i]! - dot(x[i]!, coefficients)) ** 2;
  const degreesOfFreedom = n - p;
  return { coefficients, inverse, residualVariance: sse / degreesOfFreedom, degreesOfFreedom };
}

export const dot = (a: readonly number[], b: readonly number[]) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);

/** xᵀ M x. */
export const quadraticForm = (m: readonly (readonly number[])[], x: readonly number[]) => dot(x, m.map((row) => dot(row, x)));

/** Gauss–Jordan with partial pivoting; undefined for a (numerically) singular matrix. */
function invert(matrix: readonly (readonly number[])[]): number[][] | undefined {
  const n = matrix.length;
  const a = matrix.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  const scale = Math.max(...matrix.flat().map(Math.abs), 1e-300);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (Math.abs(a[pivot]![col]!) <= scale * 1e-12) return undefined;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const lead = a[col]![col]!;
    for (let j = 0; j < 2 * n; j++) a[col]![j]! /= lead;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = a[r]![col]!;
      if (factor !== 0) for (let j = 0; j < 2 * n; j++) a[r]![j]! -= factor * a[col]![j]!;
    }
  }
  return a.map((row) => row.slice(n));
}
