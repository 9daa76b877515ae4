import { describe, expect, it } from "vitest";
import { FOCUS_COLUMNS, FOCUS_MANDATORY, REQUIRED_COLUMNS, matchFocusHeader } from "./focus-columns";

const v10 = [...FOCUS_COLUMNS["1.0"]];

describe("matchFocusHeader", () => {
  it("recognises a full FOCUS 1.0 header, with vendor columns ignored", () => {
    const match = matchFocusHeader([...v10, "Id", "x_ServiceCode"]);
    expect(match).toMatchObject({ version: "1.0", missingRequired: [], missingMandatory: [], aliased: [] });
    expect(match.optional).toContain("Tags");
    expect(match.optional).not.toContain("BilledCost");
    expect(match.optional).not.toContain("x_ServiceCode");
  });

  it("names 1.1 and 1.2 exports by the columns those versions introduced", () => {
    expect(matchFocusHeader(FOCUS_COLUMNS["1.1"]).version).toBe("1.1");
    expect(matchFocusHeader(FOCUS_COLUMNS["1.2"]).version).toBe("1.2");
    expect(matchFocusHeader([...FOCUS_MANDATORY, "InvoiceId", "PricingCurrency", "BillingAccountType"]).version).toBe("1.2");
  });

  it("keeps a 1.0 export that adopted one or two later columns early at 1.0", () => {
    expect(matchFocusHeader([...v10, "BillingAccountType", "SubAccountType"]).version).toBe("1.0");
  });

  it("matches column names whatever their case, keeping the file's spelling", () => {
    const match = matchFocusHeader(v10.map((c) => c.toLowerCase()));
    expect(match.missingRequired).toEqual([]);
    expect(match.columns.get("BilledCost")).toBe("billedcost");
  });

  it("reads FOCUS 1.0-preview names, preferring the canonical one when both exist", () => {
    const preview = v10.filter((c) => c !== "ProviderName" && c !== "RegionName").concat("Provider", "Region");
    const match = matchFocusHeader(preview);
    expect(match.columns.get("ProviderName")).toBe("Provider");
    expect(match.aliased).toEqual(expect.arrayContaining([["Provider", "ProviderName"], ["Region", "RegionName"]]));
    expect(matchFocusHeader([...v10, "Provider"]).columns.get("ProviderName")).toBe("ProviderName");
  });

  it("lists every missing required column, and missing mandatory ones it can do without separately", () => {
    const match = matchFocusHeader(v10.filter((c) => !["BilledCost", "ServiceName", "ChargeClass", "PublisherName"].includes(c)));
    expect(match.missingRequired).toEqual(["BilledCost", "ServiceName"]);
    expect(match.missingMandatory).toEqual(["ChargeClass", "PublisherName"]);
    expect(matchFocusHeader(["date", "amount"]).missingRequired).toEqual([...REQUIRED_COLUMNS]);
  });
});
