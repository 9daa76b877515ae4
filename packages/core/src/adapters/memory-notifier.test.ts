import { runNotifierContract } from "../testing/notifier-contract";
import { MemoryNotifier } from "./memory-notifier";

runNotifierContract("memory", async () => {
  const notifier = new MemoryNotifier();
  let n = 0;
  return {
    notifier,
    async open() {
      const connectionId = `c${++n}AAAAAAAAAAAAA=`;
      notifier.open(connectionId);
      return { connectionId, received: async () => [...(notifier.frames.get(connectionId) ?? [])] };
    },
    close: async () => {},
  };
});
