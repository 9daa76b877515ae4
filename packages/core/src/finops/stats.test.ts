import { describe, expect, it } from "vitest";
import { leastSquares, mad, median, quadraticForm, robustScale } from "./stats";

describe("median and MAD", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it("measures spread by the median distance from the median, unmoved by one wild value", () => {
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
    expect(robustScale([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 10);
  });

  it("falls back to the mean absolute deviation when most values are equal", () => {
    // MAD is 0 here; mean |x − 10| = 6/5 → 1.2533 × 1.2
    expect(robustScale([10, 10, 10, 10, 16])).toBeCloseTo(1.2533 * 1.2, 10);
    expect(robustScale([7, 7, 7])).toBe(0);
  });
});

describe("leastSquares", () => {
  it("recovers an exact line and reports no residual variance", () => {
    const x = [0, 1, 2, 3, 4].map((t) => [1, t]);
    const fit = leastSquares(x, [3, 5, 7, 9, 11])!;
    expect(fit.coefficients[0]).toBeCloseTo(3, 10);
    expect(fit.coefficients[1]).toBeCloseTo(2, 10);
    expect(fit.residualVariance).toBeCloseTo(0, 10);
    expect(fit.degreesOfFreedom).toBe(3);
  });

  it("matches the textbook fit on noisy data, with (XᵀX)⁻¹ for the slope's variance", () => {
    // y = 1 + 1·t with residuals +1, −1, −1, +1 around it: slope stays 1, intercept 1.
    const fit = leastSquares([0, 1, 2, 3].map((t) => [1, t]), [2, 1, 2, 5])!;
    expect(fit.coefficients[0]).toBeCloseTo(1, 10);
    expect(fit.coefficients[1]).toBeCloseTo(1, 10);
    expect(fit.residualVariance).toBeCloseTo(4 / 2, 10);
    // Var(slope)/σ² = 1 / Σ(t − t̄)² = 1/5
    expect(quadraticForm(fit.inverse, [0, 1])).toBeCloseTo(0.2, 10);
  });

  it("refuses a singular design or one with no degrees of freedom", () => {
    expect(leastSquares([[1, 1], [1, 1], [1, 1]], [1, 2, 3])).toBeUndefined();
    expect(leastSquares([[1, 0], [1, 1]], [1, 2])).toBeUndefined();
  });
});
