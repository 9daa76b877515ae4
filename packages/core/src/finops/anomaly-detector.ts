import { mean, median, robustScale } from "./stats";

export interface DailyCost {
  day: string;
  cost: number;
}

export interface DetectedAnomaly extends DailyCost {
  baseline: number;
  delta: number;
  z: number;
}

export interface AnomalyRule {
  /** |z| at or above which a day stands out (Iglewicz & Hoaglin recommend 3.5). */
  zThreshold: number;
  /** A day must also differ from its baseline by this share of the series' mean daily cost. */
  minDeltaShare: number;
}

export const DEFAULT_ANOMALY_RULE: AnomalyRule = { zThreshold: 3.5, minDeltaShare: 0.1 };

/** A series with cost on fewer of its days is sporadic: its "usual day" is nothing, and every charge would stand out. */
export const MIN_ACTIVE_SHARE = 0.75;
/**
 * The scale is never below this share of the mean day, so a series whose days are mostly
 * identical (a MAD of 0 or nearly) does not turn pennies into z-scores in the thousands.
 */
const MIN_SCALE_SHARE = 0.05;

/** Weeks either side whose same weekday forms a day's baseline. */
const WEEKS_AROUND = 4;

/** How `detectAnomalies` works, for the result's `method`. */
export const ANOMALY_METHOD =
  "robust z-score on daily usage cost: a day is compared with the median of the same weekday in the 4 weeks before it " +
  "and, separately, in the 4 weeks after it, and its deviation is the smaller of the two when both point the same way " +
  "(0 otherwise, so a lasting change of level is not an anomaly; with fewer than 28 days, the median of all other days); " +
  "z = deviation / (1.4826 × MAD of all days' deviations, at least 5% of the mean day); series with cost on fewer than " +
  "75% of their days are too sporadic to judge and are skipped";

/**
 * Days whose cost departs from what that weekday usually costs nearby, by a robust
 * z-score, largest |z| first.
 *
 * @remarks
 * Same-weekday medians cancel weekly seasonality and, being local, a steady trend
 * (months of growth would otherwise make every late day "anomalous"). Comparing with
 * the weeks before *and* after tells a one-off spike, which stands out from both, from
 * a step change (a new service, a bigger instance), which matches one side and is
 * reported as a month-over-month mover instead. The median and MAD keep one spike from
 * hiding itself by inflating the scale; the minimum delta keeps statistically odd but
 * immaterial days (a cent on a flat series) out of the report.
 *
 * @param series one value per consecutive day (fill missing days with 0 beforehand).
 */
export function detectAnomalies(series: readonly DailyCost[], rule: AnomalyRule = DEFAULT_ANOMALY_RULE): DetectedAnomaly[] {
  if (series.length < 7) return [];
  const costs = series.map((d) => d.cost);
  if (costs.filter((c) => c !== 0).length < MIN_ACTIVE_SHARE * costs.length) return [];
  // The mean, not the median: on a spiky series the median day is near nothing, and 10 % of nothing lets every cent through.
  const meanDay = mean(costs.map(Math.abs));
  const deviations = costs.map((_, i) => deviationAt(costs, i));
  const scale = Math.max(robustScale(deviations.map((d) => d.delta)), MIN_SCALE_SHARE * meanDay);
  if (!(scale > 0)) return [];
  const minDelta = rule.minDeltaShare * meanDay;
  const out: DetectedAnomaly[] = [];
  series.forEach((d, i) => {
    const { delta, baseline } = deviations[i]!;
    const z = delta / scale;
    if (Math.abs(z) >= rule.zThreshold && Math.abs(delta) >= minDelta && delta !== 0) out.push({ day: d.day, cost: d.cost, baseline, delta, z });
  });
  return out.sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
}

function deviationAt(costs: readonly number[], i: number): { delta: number; baseline: number } {
  const x = costs[i]!;
  if (costs.length >= 28) {
    const before: number[] = [];
    const after: number[] = [];
    for (let k = 1; k <= WEEKS_AROUND; k++) {
      if (i - 7 * k >= 0) before.push(costs[i - 7 * k]!);
      if (i + 7 * k < costs.length) after.push(costs[i + 7 * k]!);
    }
    // Either side alone may hold another spike or straddle a step; a normal day is close to
    // at least one of them, which the smaller-deviation rule relies on.
    const sides = [before, after].filter((s) => s.length > 0).map((s) => median(s));
    if (sides.length === 2) {
      const [b, a] = sides as [number, number];
      if ((x - b) * (x - a) <= 0) return { delta: 0, baseline: x };
      const baseline = Math.abs(x - b) <= Math.abs(x - a) ? b : a;
      return { delta: x - baseline, baseline };
    }
    if (sides.length === 1) return { delta: x - sides[0]!, baseline: sides[0]! };
  }
  const baseline = median(costs.filter((_, j) => j !== i));
  return { delta: x - baseline, baseline };
}
