import { memo } from "react";
import { useConnectionStatus, useFerry } from "../../hooks/useFerry";
import { useNow } from "../../hooks/useNow";
import { connectionLabel } from "../../utils/format";
import { StatusBadge } from "../StatusBadge/StatusBadge";
import styles from "./ConnectionStatus.module.css";

/**
 * The connection's state, announced politely when it changes, with what the
 * user can do about it: retry now, reconnect, or change the URL/token. Memoised:
 * the page re-renders on every job event, this need not.
 */
export const ConnectionStatus = memo(function ConnectionStatus({ onChangeConnection }: { onChangeConnection(): void }) {
  const client = useFerry();
  const status = useConnectionStatus();
  // Only `connecting` and `reconnecting` ever carry a retry time.
  const waiting = status.retryAt !== undefined;
  const now = useNow(1_000, waiting);
  const { label, tone, hint } = connectionLabel(status, now);
  const stopped = status.state === "closed" || status.state === "unauthorized";

  return (
    <div className={styles.status}>
      <div role="status" aria-live="polite" className={styles.text}>
        <StatusBadge tone={tone}>{label}</StatusBadge>
        {hint && <span className={styles.hint}>{hint}</span>}
      </div>
      {stopped && status.detail && <p className={styles.detail}>{status.detail}</p>}
      <div className={styles.actions}>
        {waiting && (
          <button type="button" className="button" onClick={() => client.reconnect()}>
            Retry now
          </button>
        )}
        {stopped && (
          <button type="button" className="button" onClick={() => client.connect()}>
            Reconnect
          </button>
        )}
        <button type="button" className="button" onClick={onChangeConnection}>
          Change connection…
        </button>
      </div>
    </div>
  );
});
