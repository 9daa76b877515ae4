import { describe, expect, it } from "vitest";
import { summarizeCommitments } from "./commitments";

describe("summarizeCommitments", () => {
  it("measures utilization over all commitments and coverage over the services they paid for", () => {
    const summary = summarizeCommitments([
      { kind: "commitment", commitmentDiscountId: "ri-1", name: "", category: "Usage", type: "Reserved Instance", provider: "AWS", usedCost: 300, unusedCost: 100, usedListCost: 500, billedCost: 400, effectiveCost: 400, rows: 30, firstDay: "2024-09-01", lastDay: "2024-09-30" },
      { kind: "coverage", provider: "AWS", service: "EC2", coveredCost: 300, onDemandCost: 700, otherCost: 50, rows: 100 },
      { kind: "coverage", provider: "AWS", service: "S3", coveredCost: 0, onDemandCost: 5000, otherCost: 0, rows: 100 },
    ]);
    expect(summary.utilization).toBe(0.75);
    expect(summary.coverage).toBe(0.3);
    expect(summary.coverageBasis).toMatch(/\(EC2\)/);
    expect(summary.commitments[0]).toMatchObject({ id: "ri-1", utilization: 0.75, unusedCost: 100 });
  });

});
