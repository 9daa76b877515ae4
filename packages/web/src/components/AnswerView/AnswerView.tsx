import { memo, useCallback, useId, useMemo, type MouseEvent } from "react";
import type { JobState } from "@ferry/core/client";
import { useCancelJob } from "../../hooks/useCancelJob";
import { useJobResult } from "../../hooks/useJobResult";
import { plural } from "../../utils/files";
import type { Tone } from "../../utils/format";
import { citationTitle, formatScore, modelLabel, parseRagResult, resultWarnings, sourceElementId, type RagCitation } from "../../utils/rag";
import { Markdown } from "../Markdown/Markdown";
import { RetryError } from "../RetryError/RetryError";
import { ProgressBar } from "../ProgressBar/ProgressBar";
import { StatusBadge } from "../StatusBadge/StatusBadge";
import styles from "./AnswerView.module.css";

export interface AnswerViewProps {
  question: string;
  /** The `rag_query` job; undefined while it is being looked up after a reload. */
  job: JobState | undefined;
  /** The job is gone from the server (expired, or another user's). */
  missing?: boolean;
  /** How many documents were searched; undefined for all of them. */
  documentCount: number | undefined;
  /** Names of the caller's documents by id, for sources whose PDF has no title. */
  documentNames?: ReadonlyMap<string, string>;
}

/**
 * One question and its answer. The answer is the job's streamed output while it
 * is written (an `aria-live` region, so screen readers follow along), then the
 * final answer, whose `[n]` markers link to the numbered sources below it. A
 * failure keeps whatever was written and says why underneath.
 */
export const AnswerView = memo(function AnswerView({ question, job, missing, documentCount, documentNames }: AnswerViewProps) {
  const id = useId();
  const { value, loading, error: resultError, retry } = useJobResult(job);
  const result = useMemo(() => parseRagResult(value), [value]);
  const warnings = useMemo(() => resultWarnings(value), [value]);
  const { cancel, cancelling } = useCancelJob(job?.jobId);
  // A source without a title is named after its file, which the reader recognises, rather than its id.
  const citations = useMemo(
    () => (result?.citations ?? []).map((c) => (c.title?.trim() ? c : { ...c, title: documentNames?.get(c.documentId) })),
    [result, documentNames],
  );
  const byNumber = useMemo(() => new Map(citations.map((c) => [c.n, c])), [citations]);
  const jobId = job?.jobId ?? "";

  // The final answer when there is one: the streamed output of a snapshot may have had its beginning cut.
  const text = result?.answer ?? job?.output ?? "";
  const { label, tone } = answerStatus(job, missing);
  const running = job !== undefined && !job.terminal;

  const renderCite = useCallback(
    (n: number, key: string) => {
      const citation = byNumber.get(n);
      if (!citation) return <span key={key}>[{n}]</span>;
      return <CiteMarker key={key} jobId={jobId} citation={citation} />;
    },
    [byNumber, jobId],
  );

  return (
    <article className={styles.turn} aria-labelledby={`${id}-q`} data-status={job?.status}>
      <header className={styles.header}>
        <h3 id={`${id}-q`} className={styles.question}>
          <span className="visually-hidden">Question: </span>
          {question}
        </h3>
        <StatusBadge tone={tone}>{label}</StatusBadge>
      </header>
      <p className={styles.scope}>
        {documentCount === undefined ? "Searched all ready documents" : `Searched ${plural(documentCount, "document")}`}
      </p>

      <div className={styles.answer} aria-live="polite" aria-label={`Answer to: ${question}`} role="region">
        {text && <Markdown text={text} headingLevel={4} renderCite={result ? renderCite : undefined} />}
      </div>

      {running && (
        <div className={styles.progress}>
          <ProgressBar value={job.progress} label={`Progress of the answer to: ${question}`} tone={tone} />
          <p className={styles.message}>
            <span>{job.status === "queued" ? "Waiting for a worker…" : job.message}</span>
            <button type="button" className={`button button-danger ${styles.cancel}`} onClick={cancel} disabled={cancelling}>
              {cancelling ? "Stopping…" : "Stop"}
              <span className="visually-hidden"> answering: {question}</span>
            </button>
          </p>
        </div>
      )}

      {job?.status === "failed" && (
        <p role="alert" className={styles.error}>
          No complete answer: {job.error ?? "the job failed."}
          {job.errorCode && <span className={styles.code}> ({job.errorCode})</span>}
          {text && " What was written before the failure is kept above."}
        </p>
      )}
      {job?.status === "cancelled" && <p className={styles.note}>Stopped{text ? "; the answer above is incomplete." : "."}</p>}
      {missing && <p className={styles.note}>This answer is no longer available on the server.</p>}
      {loading && <p className={styles.note}>Downloading the answer…</p>}
      {resultError && <RetryError message={resultError} onRetry={retry} />}

      {result && (
        <>
          {result.model !== "none" && (
            <p className={styles.model}>
              Model: <span className={styles.modelId}>{modelLabel(result.model)}</span>
            </p>
          )}
          {!result.grounded && <p className={styles.ungrounded}>No passage in the documents was close enough to answer from.</p>}
          {warnings.map((w, i) => (
            <p key={i} className={styles.note}>
              Note: {w}
            </p>
          ))}
          {citations.length > 0 && <Sources jobId={jobId} citations={citations} question={question} />}
        </>
      )}
    </article>
  );
});

function answerStatus(job: JobState | undefined, missing: boolean | undefined): { label: string; tone: Tone } {
  if (missing) return { label: "Unavailable", tone: "neutral" };
  if (!job) return { label: "Loading", tone: "neutral" };
  switch (job.status) {
    case "queued":
      return { label: job.queuePosition ? `Queued (#${job.queuePosition})` : "Queued", tone: "neutral" };
    case "processing":
      return job.retrying ? { label: "Retrying", tone: "warn" } : { label: job.output ? "Writing" : "Searching", tone: "busy" };
    case "completed":
      return { label: "Answered", tone: "good" };
    case "failed":
      return { label: "Failed", tone: "bad" };
    case "cancelled":
      return { label: "Stopped", tone: "neutral" };
  }
}

/**
 * A `[n]` in the answer. Moving focus to the source, rather than following a
 * `#fragment`, keeps the hash router on this page.
 */
function CiteMarker({ jobId, citation }: { jobId: string; citation: RagCitation }) {
  const target = sourceElementId(jobId, citation.n);
  const go = (event: MouseEvent) => {
    event.preventDefault();
    const element = document.getElementById(target);
    element?.focus();
    element?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  };
  return (
    <sup className={styles.cite}>
      <a href="#/ask" onClick={go} aria-label={`Source ${citation.n}: ${citationTitle(citation)}, page ${citation.page}`} aria-controls={target}>
        [{citation.n}]
      </a>
    </sup>
  );
}

function Sources({ jobId, citations, question }: { jobId: string; citations: readonly RagCitation[]; question: string }) {
  const id = useId();
  const sorted = [...citations].sort((a, b) => a.n - b.n);
  return (
    <section className={styles.sources} aria-labelledby={`${id}-h`}>
      <h4 id={`${id}-h`} className={styles.sourcesHeading}>
        Sources <span className="visually-hidden">for: {question}</span>
      </h4>
      <ol className={styles.sourceList} aria-label="Sources">
        {sorted.map((c) => (
          <li key={c.n} id={sourceElementId(jobId, c.n)} tabIndex={-1} className={styles.source}>
            <p className={styles.sourceHead}>
              <span className={styles.sourceN}>[{c.n}]</span> <span className={styles.sourceTitle}>{citationTitle(c)}</span>
              <span className={styles.sourceMeta}>
                page {c.page} · match {formatScore(c.score)}
              </span>
            </p>
            <blockquote className={styles.snippet}>{c.snippet}</blockquote>
          </li>
        ))}
      </ol>
    </section>
  );
}
