import { runRateLimiterContract } from "../testing/rate-limiter-contract";
import { MemoryRateLimiter } from "./memory-rate-limiter";

runRateLimiterContract("memory", () => new MemoryRateLimiter());
