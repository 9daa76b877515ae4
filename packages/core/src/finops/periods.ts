/**
 * Calendar arithmetic on the strings cost sources use: billing periods `YYYY-MM`
 * and charge days `YYYY-MM-DD`, all UTC.
 */

const DAY_MS = 86_400_000;

const parseDay = (day: string) => Date.parse(`${day}T00:00:00Z`);
const formatDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Days in billing period `YYYY-MM`. */
export function daysInPeriod(period: string): number {
  const [y, m] = period.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The period after `YYYY-MM`. */
export function nextPeriod(period: string): string {
  const [y, m] = period.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7);
}

/** Every day from `first` to `last`, inclusive. */
export function daysBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let t = parseDay(first), end = parseDay(last); t <= end; t += DAY_MS) out.push(formatDay(t));
  return out;
}

/** Every day of billing period `YYYY-MM`. */
export const daysOfPeriod = (period: string) => daysBetween(`${period}-01`, `${period}-${String(daysInPeriod(period)).padStart(2, "0")}`);

/** 0 = Monday … 6 = Sunday. */
export const weekday = (day: string) => (new Date(parseDay(day)).getUTCDay() + 6) % 7;

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

/** Whole days from `a` to `b`. */
export const dayDiff = (a: string, b: string) => Math.round((parseDay(b) - parseDay(a)) / DAY_MS);

/**
 * The share of billing period `period`'s days that fall inside the charge days the
 * data covers. A period whose charges stop part way (an export taken mid-month) or
 * that holds only a late adjustment (a row billed in October for a September hour)
 * covers less than all of its days, and comparing it with a whole month misleads.
 */
export function periodCoverage(period: string, firstDay: string, lastDay: string): number {
  const start = `${period}-01`;
  const end = `${period}-${String(daysInPeriod(period)).padStart(2, "0")}`;
  const from = start > firstDay ? start : firstDay;
  const to = end < lastDay ? end : lastDay;
  if (from > to) return 0;
  return (dayDiff(from, to) + 1) / daysInPeriod(period);
}
