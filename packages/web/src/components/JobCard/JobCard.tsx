import { memo, useId, useMemo } from "react";
import type { JobState } from "@ferry/core/client";
import { useCancelJob } from "../../hooks/useCancelJob";
import { useNow } from "../../hooks/useNow";
import { formatDuration, formatResult, jobElapsedMs, jobStatusLabel, shortId } from "../../utils/format";
import { ProgressBar } from "../ProgressBar/ProgressBar";
import { StatusBadge } from "../StatusBadge/StatusBadge";
import styles from "./JobCard.module.css";

/** One job: status, progress, stage and message, streamed output, result or error, and Cancel while it runs. */
export const JobCard = memo(function JobCard({ job }: { job: JobState }) {
  const headingId = useId();
  const now = useNow(1_000, !job.terminal);
  const { cancel, cancelling, error: cancelError } = useCancelJob(job.jobId);
  const { label, tone } = jobStatusLabel(job);
  const title = job.kind || "job";
  // The clock re-renders a running card every second; count the output's lines only when it grows.
  const outputLines = useMemo(() => job.output.split("\n").filter(Boolean).length, [job.output]);

  return (
    <article className={styles.card} aria-labelledby={headingId}>
      <header className={styles.header}>
        <h3 id={headingId} className={styles.title}>
          {title} <span className={styles.id}>{shortId(job.jobId)}</span>
        </h3>
        <StatusBadge tone={tone}>{label}</StatusBadge>
        <span className={styles.meta}>
          <time dateTime={new Date(job.createdAt).toISOString()}>{new Date(job.createdAt).toLocaleTimeString()}</time>
          {" · "}
          {formatDuration(jobElapsedMs(job, now))}
          {job.attempts > 1 && ` · attempt ${job.attempts}`}
        </span>
        {!job.terminal && (
          <button
            type="button"
            className={`button button-danger ${styles.cancel}`}
            onClick={cancel}
            disabled={cancelling}
          >
            {cancelling ? "Cancelling…" : "Cancel"}
            <span className="visually-hidden">
              {" "}
              {title} {shortId(job.jobId)}
            </span>
          </button>
        )}
      </header>

      <ProgressBar value={job.progress} label={`${title} ${shortId(job.jobId)} progress`} tone={tone} />
      <p className={styles.message}>
        <span className={styles.percent}>{Math.round(job.progress)}%</span>
        {job.stage && <span className={styles.stage}>{job.stage}</span>}
        <span>{job.message}</span>
      </p>

      {cancelError && (
        <p role="alert" className={styles.error}>
          {cancelError}
        </p>
      )}

      {job.output && (
        <details className={styles.details}>
          <summary>Output ({outputLines} lines)</summary>
          <pre className={styles.pre}>{job.output}</pre>
        </details>
      )}

      {job.status === "completed" && (job.result !== undefined || job.resultUrl) && (
        <details className={styles.details} open>
          <summary>Result</summary>
          {job.resultUrl ? (
            <p>
              <a href={job.resultUrl} target="_blank" rel="noreferrer">
                Download the result
              </a>{" "}
              (too large to send inline)
            </p>
          ) : (
            <pre className={styles.pre}>{formatResult(job.result)}</pre>
          )}
        </details>
      )}

      {job.status === "failed" && (
        <p className={styles.error}>
          {job.error ?? "The job failed."}
          {job.errorCode && <span className={styles.code}> ({job.errorCode})</span>}
        </p>
      )}
    </article>
  );
});
