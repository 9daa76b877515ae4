import type { DailyCost } from "./anomaly-detector";
import { dayDiff, daysInPeriod, weekday } from "./periods";
import { DAYS_PER_MONTH } from "./stage";
import { dot, leastSquares, mean, quadraticForm } from "./stats";

export interface DailyForecast {
  /** Sum of the predicted days. */
  point: number;
  low: number;
  high: number;
  /** Two-sided probability of the band. */
  confidence: number;
  method: string;
  /** Fitted change in daily cost per day (at the forecast's start, for the exponential trend); 0 without a trend. */
  trendPerDay: number;
  /** Fitted growth per month of the exponential trend (0.03 = 3 %). */
  growthPerMonth?: number;
  basisDays: number;
  notes: string[];
}

/** At least two weeks, so each weekday is seen twice next to the model's parameters. */
const MIN_DAYS_FOR_WEEKDAYS = 14;
/**
 * Eight weeks before a trend is fitted: within one month a slope mostly measures noise
 * and the order in which costs happened to land, and extrapolating it a month ahead
 * multiplies that error (on the one-month sample it would more than double the bill).
 */
export const MIN_DAYS_FOR_TREND = 56;
/** Only recent history: a trend from a year ago says little about next month. */
const MAX_HISTORY_DAYS = 183;
/** z for a two-sided 90 % band under a normal approximation. */
const Z_90 = 1.6449;

/**
 * Predicts the total of `targetDays` from a daily cost history.
 *
 * With at least 56 usable days, all of them positive: an exponential trend (a constant
 * growth rate, how cloud spend usually grows) with a factor per weekday, by least
 * squares on the logarithm of daily cost over the last 183 days. With a day at or below
 * zero (credits), the same shape additively: a linear trend plus an effect per weekday.
 * With 14–55 days: no trend, only the weekday pattern (a weekday-aware run rate). The
 * band is a 90 % prediction interval for the *sum*: the coefficients' uncertainty
 * carried through (XᵀX)⁻¹ plus independent normal daily errors. With fewer than 14
 * days: the mean daily cost times the number of days, with a band from the daily
 * standard deviation.
 *
 * @param exclude days left out of the fit (anomalies would bend the trend).
 */
export function forecastDays(history: readonly DailyCost[], targetDays: readonly string[], exclude: ReadonlySet<string> = new Set()): DailyForecast | undefined {
  const notes: string[] = [];
  const recent = history.slice(-MAX_HISTORY_DAYS);
  if (recent.length < history.length) notes.push(`fitted on the last ${recent.length} of ${history.length} days`);
  const basis = recent.filter((d) => !exclude.has(d.day));
  if (basis.length < recent.length) notes.push(`${recent.length - basis.length} anomalous day(s) left out of the fit`);
  if (basis.length === 0 || targetDays.length === 0) return undefined;
  const origin = basis[0]!.day;
  const withTrend = basis.length >= MIN_DAYS_FOR_TREND;
  const row = (day: string) => {
    const w = weekday(day);
    return [1, ...(withTrend ? [dayDiff(origin, day)] : []), ...[1, 2, 3, 4, 5, 6].map((k) => (w === k ? 1 : 0))];
  };
  if (withTrend && basis.every((d) => d.cost > 0)) {
    const exponential = exponentialForecast(basis, targetDays, row, notes);
    if (exponential) return exponential;
  }
  const fit = basis.length >= MIN_DAYS_FOR_WEEKDAYS ? leastSquares(basis.map((d) => row(d.day)), basis.map((d) => d.cost)) : undefined;
  if (fit) {
    const g = targetDays.map(row).reduce((acc, r) => acc.map((v, i) => v + r[i]!), new Array<number>(fit.coefficients.length).fill(0));
    const point = g.reduce((sum, v, i) => sum + v * fit.coefficients[i]!, 0);
    const variance = fit.residualVariance * (quadraticForm(fit.inverse, g) + targetDays.length);
    const half = Z_90 * Math.sqrt(Math.max(0, variance));
    if (!withTrend) notes.push(`only ${basis.length} days of history: no trend is fitted before ${MIN_DAYS_FOR_TREND} days, so the forecast repeats the weekday pattern`);
    return {
      point,
      low: point - half,
      high: point + half,
      confidence: 0.9,
      method:
        `${withTrend ? "linear trend with a weekday effect" : "weekday run rate (mean cost per weekday, no trend)"}, least squares on ${basis.length} days of daily cost; ` +
        `90% band = prediction interval of the period total (${withTrend ? "trend" : "coefficient"} uncertainty and independent daily errors, normal approximation)`,
      trendPerDay: withTrend ? fit.coefficients[1]! : 0,
      basisDays: basis.length,
      notes,
    };
  }
  const costs = basis.map((d) => d.cost);
  const avg = mean(costs);
  const sd = costs.length > 1 ? Math.sqrt(costs.reduce((s, c) => s + (c - avg) ** 2, 0) / (costs.length - 1)) : Math.abs(avg);
  const point = avg * targetDays.length;
  const half = Z_90 * sd * Math.sqrt(targetDays.length);
  notes.push(`only ${basis.length} usable day(s): no trend or weekday effect could be fitted`);
  return {
    point,
    low: point - half,
    high: point + half,
    confidence: 0.9,
    method: `run rate: mean daily cost of ${basis.length} day(s) × ${targetDays.length} days; 90% band from the daily standard deviation`,
    trendPerDay: 0,
    basisDays: basis.length,
    notes,
  };
}

/** The log-linear fit of `forecastDays`; undefined when the design is singular. */
function exponentialForecast(
  basis: readonly DailyCost[],
  targetDays: readonly string[],
  row: (day: string) => number[],
  notes: string[],
): DailyForecast | undefined {
  const fit = leastSquares(basis.map((d) => row(d.day)), basis.map((d) => Math.log(d.cost)));
  if (!fit) return undefined;
  const sigma2 = fit.residualVariance;
  const rows = targetDays.map(row);
  // exp(μ + σ²/2) is the mean of a log-normal day, not its median.
  const predicted = rows.map((x) => Math.exp(dot(x, fit.coefficients) + sigma2 / 2));
  const point = predicted.reduce((a, b) => a + b, 0);
  // Delta method: d(sum)/dβ = Σ ŷ·x; daily noise adds Σ ŷ²(e^σ² − 1).
  const gradient = rows.reduce((acc, x, d) => acc.map((v, i) => v + predicted[d]! * x[i]!), new Array<number>(fit.coefficients.length).fill(0));
  const variance = sigma2 * quadraticForm(fit.inverse, gradient) + predicted.reduce((s, y) => s + y * y, 0) * Math.expm1(sigma2);
  const half = Z_90 * Math.sqrt(Math.max(0, variance));
  const slope = fit.coefficients[1]!;
  return {
    point,
    low: point - half,
    high: point + half,
    confidence: 0.9,
    method:
      `exponential trend (constant growth rate, fitted ${formatGrowth(Math.expm1(slope * DAYS_PER_MONTH))} a month) with a factor per weekday, ` +
      `least squares on the logarithm of ${basis.length} days of daily cost; 90% band = prediction interval of the period total ` +
      "(trend uncertainty and independent daily errors, delta method)",
    trendPerDay: slope * (predicted[0] ?? 0),
    growthPerMonth: Math.expm1(slope * DAYS_PER_MONTH),
    basisDays: basis.length,
    notes,
  };
}

const formatGrowth = (g: number) => `${g >= 0 ? "+" : ""}${(g * 100).toFixed(1)}%`;

/**
 * How far off the same method was on a past whole month, forecast from the days before
 * it: `|forecast − actual| / actual`. A prediction interval only knows the noise its
 * model expects; this measures what the model gets wrong (compound growth drawn as a
 * line, a seasonal swing), so the report's band can be at least that wide.
 *
 * @returns undefined when the month is not complete in `history` or too little comes before it.
 */
export function backtestError(history: readonly DailyCost[], period: string, exclude: ReadonlySet<string> = new Set()): number | undefined {
  const inPeriod = history.filter((d) => d.day.startsWith(`${period}-`));
  if (inPeriod.length < daysInPeriod(period)) return undefined;
  const before = history.filter((d) => d.day < `${period}-01`);
  const days = inPeriod.filter((d) => !exclude.has(d.day));
  const forecast = before.length >= MIN_DAYS_FOR_WEEKDAYS ? forecastDays(before, days.map((d) => d.day), exclude) : undefined;
  const actual = days.reduce((sum, d) => sum + d.cost, 0);
  if (!forecast || !(actual > 0)) return undefined;
  return Math.abs(forecast.point - actual) / actual;
}
