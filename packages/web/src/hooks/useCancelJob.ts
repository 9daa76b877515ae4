import { useCallback, useState } from "react";
import { useFerry } from "./useFerry";

/**
 * Cancel for one job: `cancel()`, whether the request is in flight (to disable the
 * button), and why it was refused, if it was. Whether the job did stop shows in its
 * own status, so callers may ignore `error`.
 */
export function useCancelJob(jobId: string | undefined) {
  const client = useFerry();
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<string>();
  const cancel = useCallback(async () => {
    if (!jobId) return;
    setCancelling(true);
    setError(undefined);
    try {
      await client.cancelJob(jobId);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setCancelling(false);
    }
  }, [client, jobId]);
  return { cancel, cancelling, error };
}
