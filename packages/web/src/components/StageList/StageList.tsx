import { memo } from "react";
import type { JobState } from "@ferry/core/client";
import type { StageEntry } from "../../hooks/useJobStages";
import styles from "./StageList.module.css";

/**
 * A job's stages as a checklist: finished ones ticked, the current one marked
 * with its latest message. The marks are text too (for screen readers and
 * without colour), not only icons.
 */
export const StageList = memo(function StageList({ stages, job, label }: { stages: readonly StageEntry[]; job: JobState; label: string }) {
  if (stages.length === 0) return null;
  return (
    <ol className={styles.list} aria-label={label}>
      {stages.map((entry, i) => {
        const current = i === stages.length - 1;
        const state = !current || job.status === "completed" ? "done" : job.terminal ? "stopped" : "current";
        return (
          <li key={`${entry.stage}-${i}`} className={styles.item} data-state={state} aria-current={state === "current" ? "step" : undefined}>
            <span className={styles.mark} aria-hidden="true">
              {state === "done" ? "✓" : state === "stopped" ? "✕" : "●"}
            </span>
            <span className={styles.stage}>{stageName(entry.stage)}</span>
            <span className="visually-hidden">{state === "done" ? " (done)" : state === "stopped" ? " (stopped)" : " (in progress)"}</span>
            {entry.message && <span className={styles.message}>{entry.message}</span>}
          </li>
        );
      })}
    </ol>
  );
});

/** `cost_by_service` → `Cost by service`: stage ids are written for code, shown to people. */
export function stageName(stage: string): string {
  const words = stage.replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
