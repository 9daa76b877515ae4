import type { FinopsForecast } from "../protocol/finops-result";
import { dailyUsage } from "./daily";
import { backtestError, forecastDays } from "./forecaster";
import { daysInPeriod, daysOfPeriod, nextPeriod } from "./periods";
import { ifSupported, isUnsupported, need, type Stage } from "./stage";
import { formatMoney, formatPercent } from "./format";

/** Anomalous days are left out of the fit only while they are at most this share of the history. */
const MAX_EXCLUDED_SHARE = 0.1;

/** Charge categories assumed not to repeat next month: one-off credits and corrections. */
const ONE_OFF_CATEGORIES = new Set(["Usage", "Credit", "Adjustment"]);

/**
 * The next billing period's billed cost. Usage is forecast day by day (see
 * `forecastDays`); other recurring charges (purchases such as monthly commitment fees,
 * taxes) are carried over from the last complete period; credits and adjustments are
 * not, being one-offs. When the data ends mid-period, that period is the one
 * forecast: what it has billed so far plus the forecast of its remaining days.
 */
export const forecastStage: Stage = {
  name: "forecast",
  label: "Forecast of the next billing period",
  produces: "forecast",
  async run({ source, state, signal }) {
    const dataset = need(state, "dataset");
    const totals = need(state, "totals");
    const currency = dataset.currency;
    const lastMonth = dataset.lastDay.slice(0, 7);
    const endsWithMonth = dataset.lastDay.slice(8, 10) === String(daysInPeriod(lastMonth));
    const period = endsWithMonth ? nextPeriod(lastMonth) : lastMonth;
    const targetDays = daysOfPeriod(period).filter((d) => d > dataset.lastDay);
    const series = await dailyUsage(source, { signal, range: { firstDay: dataset.firstDay, lastDay: dataset.lastDay } });
    const flagged = new Set(need(state, "anomalies").anomalies.filter((a) => a.scope === "total").map((a) => a.day));
    // A few odd days are one-offs to leave out; many mean the series is simply volatile,
    // and leaving them all out would forecast a quieter month than any seen.
    const exclude = flagged.size <= MAX_EXCLUDED_SHARE * series.days.length ? flagged : new Set<string>();
    const usage = forecastDays(series.days, targetDays, exclude);
    const queries = [series.query];
    if (!usage) {
      return { forecast: { available: false, reason: "no daily charges to fit a forecast on", method: "none", notes: [], queries } satisfies FinopsForecast };
    }

    const notes = [...usage.notes];
    if (flagged.size && !exclude.size) notes.push(`${flagged.size} days stood out as anomalies, too many to be one-offs, so none was left out of the fit`);
    if (dataset.completePeriods.length < 2) {
      notes.push(
        `the data covers ${dataset.completePeriods.length === 1 ? `one complete billing period (${dataset.completePeriods[0]})` : "less than one complete billing period"}: ` +
          `the forecast rests on ${series.days.length} days alone, with no month-to-month history, so treat it with care`,
      );
    }
    const checked = dataset.completePeriods.at(-1);
    const error = checked ? backtestError(series.days, checked, exclude) : undefined;
    let [low, high] = [usage.low, usage.high];
    if (error !== undefined && error * usage.point > (usage.high - usage.low) / 2) {
      [low, high] = [usage.point * (1 - error), usage.point * (1 + error)];
      notes.push(`band widened to ±${formatPercent(error)}: the same method, forecasting ${checked} from the days before it, was off by that much`);
    } else if (error !== undefined) {
      notes.push(`the same method, forecasting ${checked} from the days before it, was off by ${formatPercent(error)}`);
    }
    let extra = 0;
    let extraText = "";
    if (!endsWithMonth) {
      extra = totals.byPeriod.find((p) => p.period === period)?.billedCost ?? 0;
      extraText = `; plus ${formatMoney(extra, currency)} already billed in ${period} up to ${dataset.lastDay}`;
      notes.push(`the data ends on ${dataset.lastDay}, inside ${period}: the forecast is that period's total, ${targetDays.length} day(s) of it predicted`);
    } else if (series.usageOnly) {
      const last = dataset.completePeriods.at(-1);
      const categories = await ifSupported(() => source.costs({ granularity: "month", groupBy: ["chargeCategory"] }, { signal }));
      if (!isUnsupported(categories) && last) {
        queries.push(categories.query);
        const recurring = categories.rows.filter((r) => r.period === last && !ONE_OFF_CATEGORIES.has(r.keys.chargeCategory ?? ""));
        extra = recurring.reduce((sum, r) => sum + r.billedCost, 0);
        if (recurring.length) {
          extraText = `; plus ${formatMoney(extra, currency)} of ${recurring.map((r) => r.keys.chargeCategory).join(", ")} charges carried over from ${last}`;
        }
        notes.push("credits and adjustments are not carried over: they are one-offs");
      }
    }
    const forecast: FinopsForecast = {
      available: true,
      period,
      method: `${series.usageOnly ? "daily usage cost: " : "daily cost: "}${usage.method}${extraText}`,
      billedCost: usage.point + extra,
      low: low + extra,
      high: high + extra,
      confidence: usage.confidence,
      trendPerDay: usage.trendPerDay,
      ...(usage.growthPerMonth !== undefined ? { growthPerMonth: usage.growthPerMonth } : {}),
      basisDays: usage.basisDays,
      excludedDays: [...exclude].sort(),
      notes,
      queries,
    };
    return { forecast };
  },
};
