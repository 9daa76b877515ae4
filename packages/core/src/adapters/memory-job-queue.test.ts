import { runJobQueueContract } from "../testing/job-queue-contract";
import { MemoryJobQueue } from "./memory-job-queue";

runJobQueueContract("memory", async () => {
  const queue = new MemoryJobQueue();
  return { queue, next: (q, t) => queue.take(q, t), close: async () => {} };
});
