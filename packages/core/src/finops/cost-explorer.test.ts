import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CostExplorerSource } from "../adapters/cost-explorer-source";
import { FinopsResult } from "../protocol";
import { startCostExplorerFake, type CostExplorerFake, type CostLineItem } from "../testing/cost-explorer-fake";
import { analyzeCosts } from "./analyze";
import { daysBetween } from "./periods";
import { RecordingChatModel } from "./test-charges";

/**
 * The analysis over Cost Explorer (the real SDK client against an HTTP-level fake):
 * what Cost Explorer cannot answer (service category, provider, FOCUS commitments and
 * tags, resources) is reported as unavailable with its reason, the rest is computed.
 */
const lines: CostLineItem[] = daysBetween("2025-01-01", "2025-02-28").flatMap((date) => [
  { date, service: "Amazon Elastic Compute Cloud - Compute", account: "111111111111", accountName: "prod", region: "us-east-1", recordType: "Usage", unblended: date < "2025-02-01" ? "10" : "12", amortized: "9" },
  { date, service: "Amazon Simple Storage Service", account: "222222222222", accountName: "dev", region: "eu-west-1", recordType: "Usage", unblended: "2", amortized: "2" },
]);

let fake: CostExplorerFake;
beforeAll(async () => {
  fake = await startCostExplorerFake({ items: lines, today: "2025-03-01" });
});
afterAll(async () => {
  await fake?.stop();
});

describe("analyzeCosts on Cost Explorer", () => {
  it("computes totals, movers and the forecast, and says which FOCUS-only sections it could not", async () => {
    const source = new CostExplorerSource({ start: "2025-01-01", end: "2025-03-01", client: fake.clientConfig, now: () => Date.UTC(2025, 2, 1), backoff: { baseMs: 1, capMs: 1 } });
    const result = FinopsResult.parse(await analyzeCosts(source, { query: "Why did the bill grow?", chat: new RecordingChatModel() }));
    const a = result.cost_analysis;
    expect(a.totals.totalBilledCost).toBeCloseTo(31 * 10 + 28 * 12 + 59 * 2, 9);
    expect(a.movers).toMatchObject({ available: true, previousPeriod: "2025-01", currentPeriod: "2025-02" });
    expect(a.movers.byService[0]).toMatchObject({ key: "Amazon Elastic Compute Cloud - Compute", previousCost: 310, currentCost: 336 });
    expect(a.forecast).toMatchObject({ available: true, period: "2025-03" });
    expect(a.breakdowns.serviceCategory).toMatchObject({ available: false, reason: expect.stringMatching(/^Cost Explorer cannot group by serviceCategory/) });
    expect(a.commitments).toMatchObject({ available: false, reason: expect.stringMatching(/no commitment discount columns/) });
    expect(a.tags).toMatchObject({ available: false, reason: expect.stringMatching(/no resource tags/) });
    expect(a.breakdowns.service.queries[0]).toMatch(/GetCostAndUsage/);
    // Every request costs money (USD 0.01): the analysis asks a bounded number of aggregated questions.
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(fake.requests.length).toBeLessThanOrEqual(16);
  });
});
