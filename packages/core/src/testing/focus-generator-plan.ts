import { type RawRow, NULL_TOKEN, quote, unquote } from "./focus-generator-templates";

/**
 * The generating model of the FOCUS generator: which line items ("streams") exist,
 * what each costs per day, and which of them are the planted findings (anomaly,
 * unused and used commitment, idle resources, a region price gap). Everything is
 * drawn from one seeded PRNG in a fixed order, so a seed names one dataset.
 */


export type Random = () => number;

const pickIndex = (rng: Random, n: number) => Math.min(n - 1, Math.floor(rng() * n));
const pick = <T>(rng: Random, xs: readonly T[]): T => xs[pickIndex(rng, xs.length)]!;
const hex = (rng: Random, n: number) => Array.from({ length: n }, () => pickIndex(rng, 16).toString(16)).join("");
const uuid = (rng: Random) => `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-a${hex(rng, 3)}-${hex(rng, 12)}`;
const logUniform = (rng: Random, lo: number, hi: number) => lo * Math.exp(rng() * Math.log(hi / lo));
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

function shuffle<T>(rng: Random, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = pickIndex(rng, i + 1);
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** Amounts are integers of 10⁻¹¹ USD: the sample writes 11 decimals, and integers sum exactly. */
export const AMOUNT_DIGITS = 11;
export const AMOUNT_SCALE = 10 ** AMOUNT_DIGITS;

/** The knobs of the model; every one of them is written to truth.json. */
export const MODEL = {
  /** Per-service compound monthly growth is drawn uniformly from this range (3 decimals). */
  growthRange: [-0.03, 0.08] as const,
  weekdayFactor: 1,
  /** Saturday and Sunday (UTC) cost this share of a weekday on usage-driven streams. */
  weekendFactor: 0.7,
  /** Each row's cost is multiplied by 1 + u, u uniform in [-noise, +noise]. */
  noise: 0.1,
  /** Weekday base cost of a usage-driven stream in the first month, USD/day, log-uniform. */
  streamDailyCostRange: [0.5, 150] as const,
  /** At most this many usage-driven streams; a stream has at least one row a day. */
  maxStreams: 500,
  /** Share of usage-driven streams without tags. */
  untaggedShare: 0.2,
  idleResources: 3,
  /** Idle resources each cost this share of the first day's usage-driven cost, every day (an hourly one runs 24 h a day instead). */
  idleDailyShare: [0.003, 0.01] as const,
  /** The unused commitment's daily fee as a share of the first weekday's usage-driven cost. */
  unusedCommitmentShare: 0.03,
  /** The used commitment covers a stream whose list cost is this share of the first weekday. */
  usedCommitmentShare: 0.02,
  usedCommitmentDiscount: 0.4,
  /** The same SKU costs this much more per unit in the expensive region. */
  regionPriceRatio: 1.3,
  /** The anomaly adds this many times the service's normal daily cost (uniform, 1 decimal). */
  anomalyMultiplier: [6, 9] as const,
} as const;

export type StreamKind = "usage" | "idle" | "used-commitment" | "unused-commitment";

/** One line item that recurs every day: a resource (or commitment) of a service in a sub-account. */
export interface Stream {
  kind: StreamKind;
  /** Raw tokens for every column; the per-row columns are overwritten when a row is written. */
  tokens: RawRow;
  service: number;
  serviceName: string;
  providerName: string;
  subAccountId: string;
  subAccountName: string;
  resourceId: string | null;
  regionId: string | null;
  tagged: boolean;
  /** List price per pricing unit, USD. */
  unitPrice: number;
  /** Usage streams: weekday cost in the first month, USD/day, before growth, seasonality and noise. */
  baseDaily: number;
  /** Fixed streams: their constant ListCost per day, in amount units, and PricingQuantity per day. */
  dailyListUnits: number;
  dailyQuantity: number;
  /** Share of the day's usage rows this stream gets (usage streams only). */
  rowWeight: number;
  /** EffectiveCost = ListCost × (1 − discount). */
  discount: number;
}

export interface ServiceModel {
  name: string;
  provider: string;
  category: string;
  /** Compound growth per month of its usage-driven streams. */
  monthlyGrowth: number;
}

export interface Plan {
  streams: Stream[];
  /** Indexes into `streams` of the usage-driven ones, in row order. */
  usage: number[];
  /** Indexes of the fixed one-row-a-day streams: unused commitment, used commitment, idle resources. */
  fixed: number[];
  services: ServiceModel[];
  anomaly: { day: number; stream: number; multiplier: number };
  unused: { stream: number; id: string; name: string; hourlyUnits: number };
  used: { stream: number; id: string; name: string };
  idle: number[];
  regionPricing: { service: string; unit: string; skuId: string; cheap: number; expensive: number; cheapPrice: number; expensivePrice: number };
}

/** Rows a day taken by fixed streams (unused and used commitment, idle resources); the anomaly takes one more on its day. */
export const FIXED_ROWS_PER_DAY = 2 + MODEL.idleResources;

const value = (row: RawRow, column: keyof RawRow) => unquote(row[column]);
const number = (token: string) => {
  const v = unquote(token);
  const n = v === null || v === "" ? NaN : Number(v);
  return Number.isFinite(n) ? n : NaN;
};

/** Rows that can seed a usage stream: positive usage at a positive list price, not under a commitment. */
function usable(row: RawRow): boolean {
  const id = value(row, "CommitmentDiscountId");
  return (
    value(row, "ChargeCategory") === "Usage" &&
    number(row.BilledCost) > 0 &&
    number(row.ListUnitPrice) > 0 &&
    (id === null || id === "") &&
    value(row, "ServiceName") !== null &&
    value(row, "PricingUnit") !== null
  );
}

/** Resources billed by the hour or by stored volume: what a running instance, database or disk looks like. */
const isResourceLike = (row: RawRow) =>
  ["Compute", "Storage", "Databases"].includes(value(row, "ServiceCategory") ?? "") && /hour|month|-mo\b/i.test(value(row, "PricingUnit") ?? "");
const isHourly = (row: RawRow) => /hour/i.test(value(row, "PricingUnit") ?? "");

/** The first non-empty list, so a preference falls back gracefully on templates that lack it. */
const firstOf = <T>(...lists: T[][]): T[] => lists.find((l) => l.length > 0) ?? [];

/**
 * Gives a fixed stream a constant daily cost near `target` USD. Instances priced per
 * hour run around the clock, 24 × n hours a day (n = 1 for a single idle resource,
 * whatever its price), so their usage looks like something left on; other units get
 * the quantity the target buys.
 */
function setFlatDailyCost(stream: Stream, target: number, single = false): void {
  if (/^(hours?|hrs?)$/i.test(unquote(stream.tokens.PricingUnit) ?? "")) {
    const instances = single ? 1 : Math.max(1, Math.round(target / (24 * stream.unitPrice)));
    stream.dailyQuantity = 24 * instances;
    stream.dailyListUnits = Math.round(stream.dailyQuantity * stream.unitPrice * AMOUNT_SCALE);
  } else {
    stream.dailyListUnits = Math.round(round(target, 2) * AMOUNT_SCALE);
    stream.dailyQuantity = stream.dailyListUnits / AMOUNT_SCALE / stream.unitPrice;
  }
}

const formatPrice = (p: number) => String(Number(p.toPrecision(6)));

/** Replaces the leading "$0.096 per" of a description so it states the stream's price. */
const restatePrice = (description: string, price: number) => description.replace(/^\$[0-9.]+ per/, `$${formatPrice(price)} per`);

/**
 * Chooses streams and planted findings. `usageRowsPerDay` is the fewest rows any day
 * has left for usage streams; it bounds how many fit, since each needs a row every day.
 */
export function planFocus(templates: RawRow[], usageRowsPerDay: number, days: number, rng: Random): Plan {
  const pool = templates.filter(usable);
  if (pool.length === 0) throw new Error("the template has no usable Usage rows (positive BilledCost and ListUnitPrice)");

  const streams: Stream[] = [];
  const services: ServiceModel[] = [];
  const serviceIndex = new Map<string, number>();
  const serviceOf = (row: RawRow) => {
    const name = value(row, "ServiceName")!;
    let i = serviceIndex.get(name);
    if (i === undefined) {
      i = services.length;
      serviceIndex.set(name, i);
      services.push({ name, provider: value(row, "ProviderName") ?? "", category: value(row, "ServiceCategory") ?? "", monthlyGrowth: 0 });
    }
    return i;
  };
  const tagPool = new Map<string, string[]>();
  for (const row of pool) {
    if (row.Tags === NULL_TOKEN) continue;
    const provider = row.ProviderName;
    tagPool.set(provider, [...(tagPool.get(provider) ?? []), row.Tags]);
  }
  const usedResourceIds = new Set<string>();
  const makeStream = (row: RawRow, kind: StreamKind, options: { tagged: boolean; fresh: boolean }): Stream => {
    // ContractedCost is written equal to EffectiveCost, so the contracted price is the price paid.
    const tokens = { ...row, ContractedUnitPrice: number(row.ListUnitPrice).toFixed(AMOUNT_DIGITS) };
    let resourceId = value(row, "ResourceId");
    if (resourceId !== null && resourceId !== "" && (options.fresh || usedResourceIds.has(resourceId))) {
      resourceId = `${resourceId}-${hex(rng, 4)}`;
      tokens.ResourceId = quote(resourceId);
    }
    if (resourceId) usedResourceIds.add(resourceId);
    if (!options.tagged) tokens.Tags = NULL_TOKEN;
    else if (tokens.Tags === NULL_TOKEN) tokens.Tags = pick(rng, tagPool.get(row.ProviderName) ?? [quote('{"application": "Shared", "environment": "prod", "business_unit": "Platform"}')]);
    return {
      kind,
      tokens,
      service: serviceOf(row),
      serviceName: value(row, "ServiceName")!,
      providerName: value(row, "ProviderName") ?? "",
      subAccountId: value(row, "SubAccountId") ?? "",
      subAccountName: value(row, "SubAccountName") ?? "",
      resourceId,
      regionId: value(row, "RegionId"),
      tagged: options.tagged,
      unitPrice: number(row.ListUnitPrice),
      baseDaily: 0,
      dailyListUnits: 0,
      dailyQuantity: 0,
      rowWeight: 0,
      discount: 0,
    };
  };

  // The region price gap: one SKU in two regions of its provider, the second dearer per unit.
  const regionNames = new Map<string, Map<string, string>>();
  for (const row of pool) {
    const id = value(row, "RegionId");
    const name = value(row, "RegionName");
    if (!id || !name || name === "External") continue;
    const byId = regionNames.get(row.ProviderName) ?? new Map<string, string>();
    if (!byId.has(id)) byId.set(id, row.RegionName);
    regionNames.set(row.ProviderName, byId);
  }
  const pairCandidates = pool.filter((r) => {
    const id = value(r, "RegionId");
    return id !== null && regionNames.get(r.ProviderName)?.has(id) === true && (regionNames.get(r.ProviderName)?.size ?? 0) >= 2;
  });
  const pairRow = pick(rng, firstOf(pairCandidates.filter(isResourceLike), pairCandidates, pool));
  const cheapRegion = value(pairRow, "RegionId") ?? "";
  const otherRegions = [...(regionNames.get(pairRow.ProviderName) ?? new Map<string, string>()).entries()].filter(([id]) => id !== cheapRegion);
  const [dearRegion, dearRegionName] = otherRegions.length > 0 ? pick(rng, otherRegions) : [`${cheapRegion || "region"}-2`, quote(`${value(pairRow, "RegionName") ?? "Region"} 2`)];
  const pairService = value(pairRow, "ServiceName")!;
  const pairUnit = value(pairRow, "PricingUnit")!;
  const cheapPrice = number(pairRow.ListUnitPrice);
  const dearPrice = Number(formatPrice(cheapPrice * MODEL.regionPriceRatio));
  // No other stream may sell that service and unit in either region, so the gap is unambiguous.
  const inPairMarket = (r: RawRow) => value(r, "ServiceName") === pairService && value(r, "PricingUnit") === pairUnit && [cheapRegion, dearRegion].includes(value(r, "RegionId") ?? "");
  const usagePool = pool.filter((r) => !inPairMarket(r));

  // Usage streams: as many as fit a row a day each, cycling through the shuffled templates.
  const usageCount = Math.min(MODEL.maxStreams, usageRowsPerDay);
  const order = shuffle(rng, usagePool.map((_, i) => i));
  const usage: number[] = [];
  const pair = (region: string, regionName: string, price: number): RawRow => ({
    ...pairRow,
    AvailabilityZone: NULL_TOKEN,
    RegionId: quote(region),
    RegionName: regionName,
    ListUnitPrice: quote(formatPrice(price)),
    ChargeDescription: quote(restatePrice(value(pairRow, "ChargeDescription") ?? "", price)),
  });
  const cheapStream = makeStream(pair(cheapRegion, pairRow.RegionName, cheapPrice), "usage", { tagged: true, fresh: false });
  const dearStream = makeStream(pair(dearRegion, dearRegionName, dearPrice), "usage", { tagged: true, fresh: true });
  cheapStream.baseDaily = round(logUniform(rng, 20, 120), 2);
  dearStream.baseDaily = cheapStream.baseDaily * (dearPrice / cheapPrice); // same units a day, dearer
  streams.push(cheapStream, dearStream);
  usage.push(0, 1);
  for (let i = 0; usage.length < usageCount; i++) {
    const row = usagePool.length > 0 ? usagePool[order[i % usagePool.length]!]! : pairRow;
    const s = makeStream(row, "usage", { tagged: rng() >= MODEL.untaggedShare, fresh: i >= usagePool.length });
    s.baseDaily = round(logUniform(rng, ...MODEL.streamDailyCostRange), 4);
    usage.push(streams.push(s) - 1);
  }
  // Only services with usage streams exist yet; services that appear later stay flat.
  for (const service of services) service.monthlyGrowth = round(MODEL.growthRange[0] + rng() * (MODEL.growthRange[1] - MODEL.growthRange[0]), 3);
  for (const i of usage) streams[i]!.rowWeight = Math.sqrt(streams[i]!.baseDaily);
  const firstDay = usage.reduce((sum, i) => sum + streams[i]!.baseDaily, 0);

  // Idle-looking resources: a resource id, a constant bill and constant usage every day.
  const withResource = usagePool.filter((r) => {
    const id = value(r, "ResourceId");
    return id !== null && id !== "" && value(r, "ServiceName") !== pairService;
  });
  const idleCandidates = shuffle(rng, [...firstOf(withResource, pool)]);
  idleCandidates.sort((a, b) => Number(!isResourceLike(a)) - Number(!isResourceLike(b)));
  const chosen: RawRow[] = [];
  for (const r of idleCandidates) if (chosen.length < MODEL.idleResources && !chosen.some((c) => c.ServiceName === r.ServiceName)) chosen.push(r);
  for (let k = 0; chosen.length < MODEL.idleResources; k++) chosen.push(idleCandidates[k % idleCandidates.length]!);
  const idle = chosen.map((row, k) => {
    const s = makeStream(row, "idle", { tagged: k !== MODEL.idleResources - 1, fresh: true });
    setFlatDailyCost(s, firstDay * (MODEL.idleDailyShare[0] + rng() * (MODEL.idleDailyShare[1] - MODEL.idleDailyShare[0])), true);
    return streams.push(s) - 1;
  });

  // The used commitment: a compute stream billed at a reserved rate, with flat usage.
  const providers = [...new Set(pool.map((r) => value(r, "ProviderName") ?? ""))];
  const committedProvider = providers.includes("AWS") ? "AWS" : providers[0]!;
  const ofProvider = usagePool.filter((r) => value(r, "ProviderName") === committedProvider);
  const usedRow = pick(rng, firstOf(ofProvider.filter((r) => isHourly(r) && isResourceLike(r) && value(r, "ResourceId")), ofProvider.filter(isHourly), ofProvider, pool));
  const aws = committedProvider === "AWS";
  const account = (value(usedRow, "SubAccountId") ?? "").replace(/\D/g, "").padEnd(12, "0").slice(0, 12);
  const usedId = aws ? `arn:aws:ec2:${value(usedRow, "RegionId") ?? "us-east-1"}:${account}:reserved-instances/${uuid(rng)}` : `reservation-${uuid(rng)}`;
  const usedName = `ri-${(value(usedRow, "ServiceName") ?? "compute").toLowerCase().replace(/[^a-z0-9]+/g, "-")}-1y`;
  const usedStream = makeStream(
    {
      ...usedRow,
      CommitmentDiscountCategory: quote("Usage"),
      CommitmentDiscountId: quote(usedId),
      CommitmentDiscountName: quote(usedName),
      CommitmentDiscountStatus: quote("Used"),
      CommitmentDiscountType: quote("Reserved Instance"),
      PricingCategory: quote("Committed"),
    },
    "used-commitment",
    { tagged: true, fresh: true },
  );
  usedStream.tokens.ContractedUnitPrice = (usedStream.unitPrice * (1 - MODEL.usedCommitmentDiscount)).toFixed(AMOUNT_DIGITS);
  setFlatDailyCost(usedStream, firstDay * MODEL.usedCommitmentShare);
  usedStream.discount = MODEL.usedCommitmentDiscount;

  // The unused commitment: bought every month, covering nothing; one Unused row a day with its fee.
  const payer = ofProvider[0] ?? pool[0]!;
  const unusedId = aws ? `arn:aws:savingsplans::${account}:savingsplan/${uuid(rng)}` : `commitment-${uuid(rng)}`;
  const unusedName = "compute-savings-plan-1y-no-upfront";
  const hourlyUnits = Math.round(Math.max(0.01, round((firstDay * MODEL.unusedCommitmentShare) / 24, 2)) * AMOUNT_SCALE);
  const hourlyFee = hourlyUnits / AMOUNT_SCALE;
  const unusedStream = makeStream(
    {
      ...payer,
      AvailabilityZone: NULL_TOKEN,
      ChargeCategory: quote("Usage"),
      ChargeDescription: quote(`$${formatPrice(hourlyFee)} per hour, 1 year No Upfront Compute Savings Plan, unused commitment`),
      ChargeFrequency: quote("Recurring"),
      CommitmentDiscountCategory: quote("Spend"),
      CommitmentDiscountId: quote(unusedId),
      CommitmentDiscountName: quote(unusedName),
      CommitmentDiscountStatus: quote("Unused"),
      CommitmentDiscountType: quote("Savings Plan"),
      ConsumedUnit: NULL_TOKEN,
      ListUnitPrice: quote(formatPrice(hourlyFee)),
      PricingCategory: quote("Committed"),
      PricingUnit: quote("Hours"),
      RegionId: NULL_TOKEN,
      RegionName: quote("Global"),
      ResourceId: quote(unusedId),
      ResourceName: NULL_TOKEN,
      ResourceType: quote("Savings Plan"),
      ServiceCategory: quote("Compute"),
      ServiceName: quote(aws ? "Savings Plans for AWS Compute usage" : `${committedProvider} commitments`),
      SkuId: quote("ComputeSP:1yrNoUpfront"),
      SkuPriceId: NULL_TOKEN,
    },
    "unused-commitment",
    { tagged: false, fresh: false },
  );
  unusedStream.unitPrice = hourlyFee;
  unusedStream.dailyListUnits = 24 * hourlyUnits;
  unusedStream.dailyQuantity = 24;
  const unused = streams.push(unusedStream) - 1;
  const used = streams.push(usedStream) - 1;

  // The anomaly: a big, one-day charge on a mid-sized service (not the largest, so it stands out).
  const serviceDaily = services.map(() => 0);
  for (const i of usage) serviceDaily[streams[i]!.service]! += streams[i]!.baseDaily;
  const ranked = services.map((_, i) => i).filter((i) => serviceDaily[i]! > 0).sort((a, b) => serviceDaily[b]! - serviceDaily[a]! || a - b);
  const anomalyService = ranked.length > 1 ? ranked[1 + pickIndex(rng, Math.min(4, ranked.length - 1))]! : ranked[0]!;
  const anomalyStream = usage.filter((i) => streams[i]!.service === anomalyService).sort((a, b) => streams[b]!.baseDaily - streams[a]!.baseDaily)[0]!;
  const lo = Math.max(7, Math.floor(days / 2));
  const anomalyDay = lo + pickIndex(rng, Math.max(1, days - 5 - lo));
  const multiplier = round(MODEL.anomalyMultiplier[0] + rng() * (MODEL.anomalyMultiplier[1] - MODEL.anomalyMultiplier[0]), 1);

  return {
    streams,
    usage,
    fixed: [unused, used, ...idle],
    services,
    anomaly: { day: anomalyDay, stream: anomalyStream, multiplier },
    unused: { stream: unused, id: unusedId, name: unusedName, hourlyUnits },
    used: { stream: used, id: usedId, name: usedName },
    idle,
    regionPricing: { service: pairService, unit: pairUnit, skuId: value(pairRow, "SkuId") ?? "", cheap: 0, expensive: 1, cheapPrice, expensivePrice: dearPrice },
  };
}
