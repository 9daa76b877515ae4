/**
 * The job pipeline: records, kinds, the runner every queue adapter calls, and the
 * publisher that numbers events before delivering them.
 * @module
 */
export * from "./job";
export * from "./kinds";
export * from "./runner";
export * from "./interrupts";
export * from "./reporter";
export * from "./publisher";
export * from "./coalescer";
export * from "./cursor";
export { canaryJob, CanaryInput, type CanaryResult } from "./canary";
export { sleep } from "../util/async";
