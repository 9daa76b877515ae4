import { useEffect, useState } from "react";
import { useFerry } from "./useFerry";
import type { JobState } from "@ferry/core/client";

export interface StageEntry {
  stage: string;
  /** The latest message reported in this stage. */
  message: string;
}

/**
 * The stages a job has gone through, in order, each with its latest message,
 * from its `progress_update` events. Events are coalesced upstream, so a very
 * short stage may never be seen; a job first seen through a snapshot starts
 * from its current stage.
 */
export function useJobStages(job: JobState | undefined): readonly StageEntry[] {
  const client = useFerry();
  const jobId = job?.jobId;
  const [stages, setStages] = useState<{ jobId: string | undefined; list: readonly StageEntry[] }>({ jobId: undefined, list: [] });

  useEffect(() => {
    if (!jobId) return;
    return client.onEvent((event) => {
      if (event.jobId !== jobId || event.type !== "progress_update" || !event.stage) return;
      const entry = { stage: event.stage, message: event.message };
      setStages((s) => {
        const list = s.jobId === jobId ? s.list : [];
        // A stage reporting again updates its line; a new one is appended.
        const next = list.at(-1)?.stage === entry.stage ? [...list.slice(0, -1), entry] : [...list, entry];
        return { jobId, list: next };
      });
    });
  }, [client, jobId]);

  const list = stages.jobId === jobId ? stages.list : [];
  // Seed with what the job says now (after a reload, or before the first event was seen).
  if (job?.stage && list.at(-1)?.stage !== job.stage && !list.some((s) => s.stage === job.stage)) {
    return [...list, { stage: job.stage, message: job.message }];
  }
  return list;
}
