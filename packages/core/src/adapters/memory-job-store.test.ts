import { runJobStoreContract } from "../testing/job-store-contract";
import { MemoryJobStore } from "./memory-job-store";

runJobStoreContract("memory", () => new MemoryJobStore());
