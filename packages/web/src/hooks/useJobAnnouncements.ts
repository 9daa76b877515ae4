import { useEffect, useRef, useState } from "react";
import type { JobStatus } from "@ferry/core/protocol";
import { useFerry } from "./useFerry";
import { shortId } from "../utils/format";

const SPOKEN: Record<JobStatus, string> = {
  queued: "is queued",
  processing: "is running",
  completed: "completed",
  failed: "failed",
  cancelled: "was cancelled",
};

/**
 * A sentence for screen readers each time a job changes status (not on every
 * progress tick, which would drown everything else out).
 */
export function useJobAnnouncements(): string {
  const client = useFerry();
  const [message, setMessage] = useState("");
  const seen = useRef(new Map<string, JobStatus>());
  useEffect(
    () =>
      client.onJob((job) => {
        const before = seen.current.get(job.jobId);
        seen.current.set(job.jobId, job.status);
        if (before === undefined || before === job.status) return;
        setMessage(`${job.kind || "Job"} ${shortId(job.jobId)} ${SPOKEN[job.status]}.`);
      }),
    [client],
  );
  return message;
}
