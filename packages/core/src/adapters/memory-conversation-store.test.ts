import { runConversationStoreContract } from "../testing/conversation-store-contract";
import { MemoryConversationStore } from "./memory-conversation-store";

runConversationStoreContract("memory", () => {
  let now = Date.UTC(2030, 0, 1);
  return {
    store: new MemoryConversationStore(() => now),
    elapse: async (ms) => {
      now += ms;
    },
  };
});
