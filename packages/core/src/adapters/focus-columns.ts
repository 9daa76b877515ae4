/**
 * The FOCUS column catalogue (1.0, 1.1, 1.2): which columns each version defines, which
 * it makes mandatory, and which of them Ferry cannot do without. Used to match a file's
 * header to a version and to refuse, with every missing column named, a file that is
 * not FOCUS.
 */

export type FocusVersion = "1.0" | "1.1" | "1.2";

/** Columns every version from 1.0 to 1.2 marks Mandatory (present, even when null). */
export const FOCUS_MANDATORY = [
  "BilledCost",
  "BillingAccountId",
  "BillingAccountName",
  "BillingCurrency",
  "BillingPeriodEnd",
  "BillingPeriodStart",
  "ChargeCategory",
  "ChargeClass",
  "ChargeDescription",
  "ChargePeriodEnd",
  "ChargePeriodStart",
  "ContractedCost",
  "EffectiveCost",
  "InvoiceIssuerName",
  "ListCost",
  "PricingQuantity",
  "PricingUnit",
  "ProviderName",
  "PublisherName",
  "ServiceCategory",
  "ServiceName",
] as const;

/** Recommended and Conditional columns of FOCUS 1.0. */
const OPTIONAL_1_0 = [
  "AvailabilityZone",
  "ChargeFrequency",
  "CommitmentDiscountCategory",
  "CommitmentDiscountId",
  "CommitmentDiscountName",
  "CommitmentDiscountStatus",
  "CommitmentDiscountType",
  "ConsumedQuantity",
  "ConsumedUnit",
  "ContractedUnitPrice",
  "ListUnitPrice",
  "PricingCategory",
  "RegionId",
  "RegionName",
  "ResourceId",
  "ResourceName",
  "ResourceType",
  "SkuId",
  "SkuPriceId",
  "SubAccountId",
  "SubAccountName",
  "Tags",
] as const;

/** Columns FOCUS 1.1 added (all optional). */
const ADDED_1_1 = [
  "CapacityReservationId",
  "CapacityReservationStatus",
  "CommitmentDiscountQuantity",
  "CommitmentDiscountUnit",
  "ServiceSubcategory",
  "SkuMeter",
  "SkuPriceDetails",
] as const;

/** Columns FOCUS 1.2 added (all optional). */
const ADDED_1_2 = [
  "BillingAccountType",
  "InvoiceId",
  "PricingCurrency",
  "PricingCurrencyContractedUnitPrice",
  "PricingCurrencyEffectiveCost",
  "PricingCurrencyListUnitPrice",
  "SubAccountType",
] as const;

export const FOCUS_COLUMNS: Record<FocusVersion, readonly string[]> = {
  "1.0": [...FOCUS_MANDATORY, ...OPTIONAL_1_0],
  "1.1": [...FOCUS_MANDATORY, ...OPTIONAL_1_0, ...ADDED_1_1],
  "1.2": [...FOCUS_MANDATORY, ...OPTIONAL_1_0, ...ADDED_1_1, ...ADDED_1_2],
};

/**
 * Mandatory columns the adapter reads and cannot replace: without them no total, period
 * or dimension would mean anything. Other mandatory columns (ChargeClass, PublisherName…)
 * are not read, so a provider that leaves one out only gets a warning.
 * ContractedCost is read but optional here: FOCUS 1.0-preview exports lack it, and the
 * port has a `null` for a metric a source does not have.
 */
export const REQUIRED_COLUMNS = [
  "BilledCost",
  "BillingAccountId",
  "BillingCurrency",
  "BillingPeriodStart",
  "ChargeCategory",
  "ChargePeriodStart",
  "EffectiveCost",
  "ListCost",
  "ProviderName",
  "ServiceCategory",
  "ServiceName",
] as const;

/**
 * Other names a column goes by: FOCUS 1.0-preview names still used by some exports
 * (OCI's first FOCUS reports say `Provider`, `Region`, `UsageQuantity`) and the FOCUS 1.3
 * successor of ProviderName. The canonical name wins when a file has both.
 */
const ALIASES: Record<string, readonly string[]> = {
  ProviderName: ["Provider", "ServiceProviderName"],
  PublisherName: ["Publisher"],
  InvoiceIssuerName: ["InvoiceIssuer"],
  RegionName: ["Region"],
  ConsumedQuantity: ["UsageQuantity"],
  ConsumedUnit: ["UsageUnit"],
};

/** How a file's header maps onto FOCUS. */
export interface FocusHeader {
  /** Canonical FOCUS name → the file's column name, for every catalogue column found. */
  columns: Map<string, string>;
  version: FocusVersion;
  /** REQUIRED_COLUMNS the file lacks. */
  missingRequired: string[];
  /** Other mandatory columns the file lacks (warned about, not refused). */
  missingMandatory: string[];
  /** Optional catalogue columns present, canonical names, sorted. */
  optional: string[];
  /** `file name → canonical name` for columns found under an alias. */
  aliased: Array<[string, string]>;
}

/** Columns each version introduced, newest first: the markers of a version. */
const INTRODUCED: Array<[FocusVersion, readonly string[]]> = [
  ["1.2", ADDED_1_2],
  ["1.1", ADDED_1_1],
];

/**
 * The newest version of which the header carries at least three introduced columns.
 * Exports list every column of their version (null when unused), so a real 1.2 export
 * carries all seven 1.2 columns, while a 1.0 export with one or two early-adopted ones
 * (Microsoft's FocusCost 1.0 has BillingAccountType) stays 1.0.
 */
function closestVersion(present: ReadonlySet<string>): FocusVersion {
  for (const [version, added] of INTRODUCED) {
    if (added.filter((c) => present.has(c)).length >= 3) return version;
  }
  return "1.0";
}

/**
 * Matches a header to the catalogue. Names are compared case-insensitively (some
 * exporters lower-case them); vendor columns (`x_…`, `oci_…`) are ignored.
 */
export function matchFocusHeader(header: readonly string[]): FocusHeader {
  const byLower = new Map<string, string>();
  for (const name of header) if (!byLower.has(name.trim().toLowerCase())) byLower.set(name.trim().toLowerCase(), name);
  const all = new Set(FOCUS_COLUMNS["1.2"]);
  const columns = new Map<string, string>();
  const aliased: Array<[string, string]> = [];
  for (const canonical of all) {
    const own = byLower.get(canonical.toLowerCase());
    if (own !== undefined) {
      columns.set(canonical, own);
      continue;
    }
    const alias = (ALIASES[canonical] ?? []).map((a) => byLower.get(a.toLowerCase())).find((a) => a !== undefined);
    if (alias !== undefined) {
      columns.set(canonical, alias);
      aliased.push([alias, canonical]);
    }
  }
  const present = new Set(columns.keys());
  const mandatory = new Set<string>(FOCUS_MANDATORY);
  return {
    columns,
    version: closestVersion(present),
    missingRequired: REQUIRED_COLUMNS.filter((c) => !present.has(c)),
    missingMandatory: FOCUS_MANDATORY.filter((c) => !present.has(c) && !(REQUIRED_COLUMNS as readonly string[]).includes(c)),
    optional: [...present].filter((c) => !mandatory.has(c)).sort(),
    aliased,
  };
}
