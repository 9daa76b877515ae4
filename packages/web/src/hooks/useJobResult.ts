import { useCallback, useEffect, useState } from "react";
import type { JobState } from "@ferry/core/client";
import { fetchResult } from "../utils/job-result";
import { useFerry } from "./useFerry";

export interface JobResult {
  /** The result, inline or downloaded; undefined until the job completed and the download finished. */
  value: unknown;
  /** True while a by-reference result is being downloaded. */
  loading: boolean;
  /** Why the download failed. */
  error: string | undefined;
  /** Asks the server for a freshly signed link (`subscribe`), then downloads again. */
  retry(): void;
}

/**
 * A completed job's result, the same whether it came inline (`result`) or by
 * reference (`resultUrl`, downloaded here once per link), so pages render both
 * alike.
 */
export function useJobResult(job: JobState | undefined): JobResult {
  const client = useFerry();
  const url = job?.status === "completed" && job.result === undefined ? job.resultUrl : undefined;
  const [download, setDownload] = useState<{ url: string; value?: unknown; error?: string } | undefined>();
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!url) return;
    const controller = new AbortController();
    setDownload({ url });
    fetchResult(url, fetch, controller.signal).then(
      (value) => setDownload({ url, value }),
      (error: unknown) => {
        if (!controller.signal.aborted) setDownload({ url, error: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => controller.abort();
  }, [url, attempt]);

  const jobId = job?.jobId;
  const retry = useCallback(() => {
    if (!jobId) return;
    // Each delivery signs the link afresh: a new snapshot brings a new URL, which downloads by itself.
    client.subscribe([jobId]).then(
      () => setAttempt((a) => a + 1),
      () => setAttempt((a) => a + 1),
    );
  }, [client, jobId]);

  if (!job || job.status !== "completed") return { value: undefined, loading: false, error: undefined, retry };
  if (job.result !== undefined) return { value: job.result, loading: false, error: undefined, retry };
  if (!url) return { value: undefined, loading: false, error: undefined, retry };
  const current = download?.url === url ? download : undefined;
  return {
    value: current?.value,
    loading: !current || (current.value === undefined && current.error === undefined),
    error: current?.error,
    retry,
  };
}
