import { MemoryConnectionStore } from "../adapters/memory-connection-store";
import { MemoryJobQueue } from "../adapters/memory-job-queue";
import { MemoryJobStore } from "../adapters/memory-job-store";
import { MemoryNotifier } from "../adapters/memory-notifier";
import { MemoryRateLimiter } from "../adapters/memory-rate-limiter";
import type { FerryApi, ApiOptions } from "../api";
import { createTokenVerifier } from "../auth";
import { JobKindRegistry, canaryJob, runJob, type JobKind, type RunnerOptions } from "../jobs";
import type { Logger } from "../ports";
import { createFerry, type ResultOffload } from "../wiring";

export const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The whole pipeline in one process on the in-memory adapters: for fast unit
 * tests of behaviour that does not depend on a technology.
 */
export function memoryWorld(
  options: { kinds?: JobKind<any, any, any>[]; runner?: Partial<RunnerOptions>; api?: Partial<ApiOptions>; results?: ResultOffload } = {},
) {
  const store = new MemoryJobStore();
  const connections = new MemoryConnectionStore();
  const notifier = new MemoryNotifier();
  const queue = new MemoryJobQueue();
  const { api, runner: runnerDeps } = createFerry(
    {
      store,
      connections,
      notifier,
      queue,
      rateLimiter: new MemoryRateLimiter(),
      verifier: createTokenVerifier({ devSecret: "d".repeat(40) }),
      kinds: new JobKindRegistry([canaryJob, ...(options.kinds ?? [])]),
      logger: quietLogger,
    },
    { api: options.api, runner: { cancelPollMs: 20, retryBaseMs: 10, ...options.runner }, results: options.results },
  );
  let n = 0;
  return {
    store,
    connections,
    notifier,
    queue,
    api,
    runnerDeps,
    /** Opens a connection for `userId` and returns a handle that sends frames and reads replies. */
    async connect(userId: string) {
      const connectionId = `conn${++n}AAAAAAAAAA=`;
      notifier.open(connectionId);
      await api.connect({ connectionId, userId });
      const caller = { connectionId, userId };
      return {
        connectionId,
        send: (frame: unknown, route: Parameters<FerryApi["handleFrame"]>[1] = "$default") =>
          api.handleFrame(caller, route, typeof frame === "string" ? frame : JSON.stringify(frame)),
        received: () => notifier.received(connectionId) as Array<Record<string, any>>,
        ofType: (type: string) => notifier.received(connectionId).filter((f) => f.type === type) as Array<Record<string, any>>,
      };
    },
    /** Takes the next message of `queue` and runs it like a worker would. */
    async work(queueName = "analysis", deadline?: number) {
      const message = await queue.take(queueName);
      return runJob(runnerDeps, message, deadline);
    },
  };
}
