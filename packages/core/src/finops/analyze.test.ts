import { describe, expect, it } from "vitest";
import { FinopsResult, Limits } from "../protocol";
import { FINOPS_STAGE_NAMES, analyzeCosts, runAnalysis } from "./analyze";
import { MemoryCostSource } from "./memory-cost-source";
import type { AnalysisState } from "./stage";
import { KNOWN, RecordingChatModel, knownBill } from "./test-charges";

const QUESTION = "Why did our bill grow last month?";

describe("analyzeCosts on a bill whose figures are known", () => {
  it("reports totals per billing period and where the money went", async () => {
    const source = new MemoryCostSource(knownBill());
    const result = await analyzeCosts(source, { query: QUESTION, chat: new RecordingChatModel() });
    const a = result.cost_analysis;
    expect(a.totals.totalBilledCost).toBeCloseTo(KNOWN.january + KNOWN.february + KNOWN.march, 9);
    expect(a.totals.byPeriod.map((p) => [p.period, p.billedCost])).toEqual([
      ["2024-01", KNOWN.january],
      ["2024-02", KNOWN.february],
      ["2024-03", KNOWN.march],
    ]);
    expect(a.dataset.completePeriods).toEqual(["2024-01", "2024-02", "2024-03"]);
    expect(a.breakdowns.service.rows[0]).toMatchObject({ key: "Compute", billedCost: 31 * 100 + 29 * 110 + 31 * 150 - 50 });
    expect(a.breakdowns.subAccount.rows.map((r) => [r.key, r.label])).toEqual([
      ["111", "Prod"],
      ["222", "Dev"],
    ]);
    expect(a.breakdowns.chargeCategory.rows.map((r) => [r.key, r.billedCost])).toEqual([
      ["Usage", expect.any(Number)],
      ["Tax", 90],
      ["Credit", -50],
    ]);
  });

  it("compares the last two months: Compute grew most, Search is new, Storage fell", async () => {
    const { cost_analysis: a } = await analyzeCosts(new MemoryCostSource(knownBill()), { query: QUESTION, chat: new RecordingChatModel() });
    expect(a.movers).toMatchObject({ available: true, previousPeriod: "2024-02", currentPeriod: "2024-03" });
    expect(a.movers.byService.map((m) => [m.key, m.change])).toEqual([
      ["Compute", 4600 - 3190],
      ["Storage", 620 - 780],
      ["Search", 155],
      ["Tax", 0],
    ]);
    expect(a.movers.byService[0]!.changeRatio).toBeCloseTo(1410 / 3190, 12);
    expect(a.movers.byService[2]!.changeRatio).toBeNull();
    expect(a.movers.fastestGrowingServices.map((m) => m.key)).toEqual(["Search", "Compute"]);
    expect(a.movers.bySubAccount[0]).toMatchObject({ key: "111", label: "Prod", change: 4600 + 155 - 3190 });
  });

  it("finds the Storage spike on its day, in the total and in the service, and forecasts April above March", async () => {
    const { cost_analysis: a } = await analyzeCosts(new MemoryCostSource(knownBill()), { query: QUESTION, chat: new RecordingChatModel() });
    const spikes = a.anomalies.anomalies.filter((x) => x.day === "2024-02-14");
    expect(spikes.map((x) => x.scope === "total" ? "total" : x.key).sort()).toEqual(["Storage", "total"]);
    expect(a.anomalies.anomalies[0]!.day).toBe("2024-02-14");
    expect(spikes.find((x) => x.key === "Storage")).toMatchObject({ cost: 220, baseline: 20, delta: 200 });
    expect(a.anomalies.zThreshold).toBe(3.5);
    expect(a.anomalies.method).toMatch(/robust z-score/);

    expect(a.forecast).toMatchObject({ available: true, period: "2024-04", confidence: 0.9 });
    // March usage was 175 a day; the trend is up, so April's 30 days cost more than 30 × 175 plus the 30 tax.
    expect(a.forecast.billedCost!).toBeGreaterThan(30 * 175 + 30);
    expect(a.forecast.low!).toBeLessThan(a.forecast.billedCost!);
    expect(a.forecast.high!).toBeGreaterThan(a.forecast.billedCost!);
    expect(a.forecast.method).toMatch(/Tax charges carried over from 2024-03/);
    expect(a.forecast.excludedDays).toContain("2024-02-14");
  });

  it("says why a section is missing instead of leaving it out", async () => {
    const source = new MemoryCostSource(knownBill(), { unsupported: ["serviceCategory"] });
    const { cost_analysis: a, response } = await analyzeCosts(source, { query: QUESTION, chat: new RecordingChatModel() });
    expect(a.breakdowns.serviceCategory).toMatchObject({ available: false, reason: "this source cannot group by serviceCategory" });
    expect(a.commitments).toMatchObject({ available: false, reason: expect.stringMatching(/no commitment discount/) });
    expect(a.tags).toMatchObject({ available: false, reason: expect.stringMatching(/no resource tags/) });
    expect(response).toMatch(/Service categories:\*\* not available \(this source cannot group by serviceCategory\)/);
  });

  it("recommends reviewing the growth, ranked by the spend it concerns, with the evidence and its query", async () => {
    const source = new MemoryCostSource(knownBill());
    const result = await analyzeCosts(source, { query: QUESTION, chat: new RecordingChatModel() });
    const recs = result.optimization_recommendations;
    expect(recs.map((r) => [r.rank, r.id, r.estimatedMonthlySaving, r.spendAtRisk])).toEqual([
      [1, "growth:Compute", null, 1410],
      [2, "growth:Search", null, 155],
    ]);
    expect(recs[0]!.evidence.rows[0]).toMatchObject({ ServiceName: "Compute", previousCost: 3190, currentCost: 4600 });
    expect(source.queries).toContain(recs[0]!.evidence.query);
    expect(result.cost_analysis.estimatedMonthlySavings).toBe(0);
  });

  it("traces every section to queries the source actually ran", async () => {
    const source = new MemoryCostSource(knownBill());
    const { cost_analysis: a } = await analyzeCosts(source, { query: QUESTION, chat: new RecordingChatModel() });
    const sections = {
      totals: a.totals,
      movers: a.movers,
      anomalies: a.anomalies,
      forecast: a.forecast,
      cost_comparison: a.cost_comparison,
      ...Object.fromEntries(Object.entries(a.breakdowns).map(([k, v]) => [`breakdown ${k}`, v])),
    };
    for (const [name, section] of Object.entries(sections)) {
      expect(section.queries.length, name).toBeGreaterThan(0);
      for (const q of section.queries) expect(source.queries, name).toContain(q);
    }
  });

  it("has the model write the answer from numbered facts only, and puts it first in the report", async () => {
    const chat = new RecordingChatModel();
    const deltas: string[] = [];
    const result = await runAnalysis(new MemoryCostSource(knownBill()), { query: QUESTION, chat, onDelta: (d) => deltas.push(d) });
    const [request] = chat.requests;
    expect(request!.messages).toEqual([{ role: "user", text: QUESTION }]);
    expect(request!.system).toMatch(/Never compute new numbers/);
    const texts = request!.sources!.map((s) => s.text);
    expect(texts).toContain("Compute grew 44% month over month, from $3,190.00 to $4,600.00.");
    expect(texts).toContain("The bill went from $4,000.00 in 2024-02 to $5,405.00 in 2024-03, a change of $1,405.00 (+35%).");
    expect(request!.sources!.map((s) => s.n)).toEqual(texts.map((_, i) => i + 1));
    for (const s of request!.sources!) expect(request!.system).toContain(`[${s.n}] ${s.text}`);
    expect(deltas.join("")).toBe("Your bill grew because Compute grew [4].");
    expect(result.response.startsWith("## Answer\n\nYour bill grew because Compute grew [4].")).toBe(true);
    expect(result.response).toMatch(/\| 2024-03 \| \$5,405\.00 \|/);
    expect(result.response).toMatch(/## Recommendations[\s\S]*\| 1 \| Review Compute: \+44% month over month/);
    expect(result.model).toBe("recording-test-model");
    expect(result.narrativeByLanguageModel).toBe(true);
  });

  it("reports each stage once, in order, and produces a result that parses and fits one message", async () => {
    const seen: string[] = [];
    const result = await analyzeCosts(new MemoryCostSource(knownBill()), {
      query: QUESTION,
      chat: new RecordingChatModel(true),
      onStage: (stage, index, total) => {
        expect(index).toBe(seen.length);
        expect(total).toBe(FINOPS_STAGE_NAMES.length);
        seen.push(stage);
      },
    });
    expect(seen).toEqual(FINOPS_STAGE_NAMES);
    expect(seen).toEqual(["dataset", "totals", "breakdowns", "movers", "anomalies", "forecast", "commitments", "tags", "cost_comparison", "recommendations", "report"]);
    expect(FinopsResult.safeParse(JSON.parse(JSON.stringify(result))).success).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThan(Limits.maxInlineResultBytes);
    expect(result.narrativeByLanguageModel).toBe(false);
  });
});

describe("runAnalysis resume and cancel", () => {
  it("continues after the last saved stage without re-running earlier ones, with the same result", async () => {
    const full = await analyzeCosts(new MemoryCostSource(knownBill()), { query: QUESTION, chat: new RecordingChatModel() });
    let saved: AnalysisState | undefined;
    const first = new AbortController();
    await expect(
      runAnalysis(new MemoryCostSource(knownBill()), {
        query: QUESTION,
        chat: new RecordingChatModel(),
        signal: first.signal,
        onStageDone: async (state, stage) => {
          saved = JSON.parse(JSON.stringify(state));
          if (stage === "movers") first.abort(new Error("deadline"));
        },
      }),
    ).rejects.toThrow("deadline");
    expect(Object.keys(saved!)).toEqual(["dataset", "totals", "breakdowns", "movers"]);

    const source = new MemoryCostSource(knownBill());
    const stages: string[] = [];
    const resumed = await runAnalysis(source, { query: QUESTION, chat: new RecordingChatModel(), resume: saved, onStage: (s) => void stages.push(s) });
    expect(stages).toEqual(["anomalies", "forecast", "commitments", "tags", "cost_comparison", "recommendations", "report"]);
    expect(source.queries.some((q) => q.includes('"granularity":"total"}'))).toBe(false); // the totals were not asked again
    expect(resumed).toEqual(full);
  });

  it("stops inside a stage when cancelled, asking the source nothing more", async () => {
    const controller = new AbortController();
    const source = new MemoryCostSource(knownBill(), {
      onQuery: (what) => {
        if (what.includes('"granularity":"day"')) controller.abort(new Error("cancelled by the user"));
      },
    });
    await expect(runAnalysis(source, { query: QUESTION, chat: new RecordingChatModel(), signal: controller.signal })).rejects.toThrow("cancelled by the user");
    expect(source.queries.filter((q) => q.includes('"granularity":"day"'))).toEqual([]);
  });
});
