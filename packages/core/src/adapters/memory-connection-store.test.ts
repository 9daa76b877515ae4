import { runConnectionStoreContract } from "../testing/connection-store-contract";
import { MemoryConnectionStore } from "./memory-connection-store";

runConnectionStoreContract("memory", () => new MemoryConnectionStore());
