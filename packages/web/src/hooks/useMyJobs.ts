import { useEffect, useState, useSyncExternalStore } from "react";
import type { JobState } from "@ferry/core/client";
import { useFerry } from "./useFerry";

/**
 * The caller's jobs, newest first, live. Asks for `list_jobs` every time the
 * connection opens, so jobs started elsewhere (another tab, a script) show up too;
 * the client keeps them current from events and re-subscribes after reconnects.
 */
export function useMyJobs(limit = 50): { jobs: readonly JobState[]; listed: boolean } {
  const client = useFerry();
  // True once a `list_jobs` answer has arrived, so "no jobs" is not said before we know.
  const [listed, setListed] = useState(false);
  useEffect(() => {
    const list = () => {
      client.listJobs({ limit }).then(
        () => setListed(true),
        () => {
          // shown through the connection status; the next open lists again
        },
      );
    };
    if (client.state === "open") list();
    let wasOpen = client.state === "open";
    return client.onStatus((status) => {
      const isOpen = status.state === "open";
      if (isOpen && !wasOpen) list();
      wasOpen = isOpen;
    });
  }, [client, limit]);
  const jobs = useSyncExternalStore(
    (onChange) => client.onJobsChange(onChange),
    () => client.jobs,
  );
  return { jobs, listed };
}
