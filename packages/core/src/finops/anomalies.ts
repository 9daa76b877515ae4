import type { FinopsAnomalies, FinopsAnomaly } from "../protocol/finops-result";
import { ANOMALY_METHOD, DEFAULT_ANOMALY_RULE, detectAnomalies } from "./anomaly-detector";
import { dailyUsage } from "./daily";
import { need, type Stage } from "./stage";

/** Services examined one by one, the largest by billed cost. */
export const ANOMALY_SERVICES = 5;
/** Anomalies kept in the result, largest |z| first. */
export const ANOMALIES_LIMIT = 20;

/** Daily anomalies on the total and on each of the top services. */
export const anomaliesStage: Stage = {
  name: "anomalies",
  label: "Daily anomalies",
  produces: "anomalies",
  async run({ source, state, signal }) {
    const dataset = need(state, "dataset");
    const range = { firstDay: dataset.firstDay, lastDay: dataset.lastDay };
    const total = await dailyUsage(source, { signal, range });
    const topServices = (need(state, "breakdowns").service.rows ?? [])
      .map((r) => r.key)
      .filter((k) => k !== "")
      .slice(0, ANOMALY_SERVICES);
    const perService = topServices.length ? await dailyUsage(source, { groupBy: "service", where: { service: topServices }, signal, range }) : undefined;
    const found: FinopsAnomaly[] = detectAnomalies(total.days).map((a) => ({ scope: "total", ...a }));
    for (const service of topServices) {
      signal?.throwIfAborted();
      const series = perService?.groups.get(service);
      if (series) found.push(...detectAnomalies(series).map((a) => ({ scope: "service" as const, key: service, ...a })));
    }
    const method = `${ANOMALY_METHOD}${total.usageOnly ? "" : " (the source could not single out Usage charges, so every charge counts)"}`;
    const anomalies: FinopsAnomalies = {
      available: total.days.length >= 7,
      ...(total.days.length < 7 ? { reason: `only ${total.days.length} day(s) of charges: too few to tell an unusual day from a usual one` } : {}),
      method,
      zThreshold: DEFAULT_ANOMALY_RULE.zThreshold,
      minDeltaShare: DEFAULT_ANOMALY_RULE.minDeltaShare,
      daysAnalysed: total.days.length,
      servicesAnalysed: topServices,
      anomalies: found.sort((a, b) => Math.abs(b.z) - Math.abs(a.z)).slice(0, ANOMALIES_LIMIT),
      queries: [total.query, ...(perService ? [perService.query] : [])],
    };
    return { anomalies };
  },
};
