import { describe, expect, it } from "vitest";
import { billingContentType, billingFileProblem } from "./billing-files";

describe("billing files", () => {
  it("declares a type from the name, whatever the browser guessed", () => {
    expect(billingContentType({ name: "focus-1.0.csv", type: "" })).toBe("text/csv");
    expect(billingContentType({ name: "export.CSV.gz", type: "application/x-gzip" })).toBe("application/gzip");
    expect(billingContentType({ name: "part-0.parquet", type: "" })).toBe("application/vnd.apache.parquet");
    expect(billingContentType({ name: "download", type: "text/csv; charset=utf-8" })).toBe("text/csv");
  });

  it("refuses other files and empty ones with a sentence", () => {
    expect(billingFileProblem({ name: "bill.pdf", type: "application/pdf", size: 10 })).toMatch(/^bill\.pdf is not a FOCUS export/);
    expect(billingFileProblem({ name: "bill.csv", type: "text/csv", size: 0 })).toBe("bill.csv is empty (0 bytes).");
    expect(billingFileProblem({ name: "bill.csv", type: "text/csv", size: 10 })).toBeUndefined();
  });
});
