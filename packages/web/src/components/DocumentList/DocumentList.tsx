import { memo, useEffect, useId, useRef, useState } from "react";
import type { DocumentView } from "@ferry/core/protocol";
import { useJob } from "../../hooks/useDocuments";
import { plural, stageLabel } from "../../utils/files";
import type { Tone } from "../../utils/format";
import { ProgressBar } from "../ProgressBar/ProgressBar";
import { StatusBadge } from "../StatusBadge/StatusBadge";
import styles from "./DocumentList.module.css";

export interface DocumentListProps {
  documents: readonly DocumentView[];
  loading: boolean;
  /** Deletes a document; rejects with the server's refusal, shown on the row. */
  onDelete(document: DocumentView): Promise<void>;
}

/** The caller's documents, newest first, each with its status and a Delete that asks first. */
export function DocumentList({ documents, loading, onDelete }: DocumentListProps) {
  if (documents.length === 0) {
    return <p className={styles.empty}>{loading ? "Loading your documents…" : "No documents yet. Add a PDF above."}</p>;
  }
  return (
    <ul className={styles.list} aria-label="Documents">
      {documents.map((document) => (
        <li key={document.documentId}>
          <DocumentRow document={document} onDelete={onDelete} />
        </li>
      ))}
    </ul>
  );
}

const STATUS: Record<DocumentView["status"], { label: string; tone: Tone }> = {
  ingesting: { label: "Ingesting", tone: "busy" },
  ready: { label: "Ready", tone: "good" },
  failed: { label: "Failed", tone: "bad" },
};

const DocumentRow = memo(function DocumentRow({ document, onDelete }: { document: DocumentView; onDelete: DocumentListProps["onDelete"] }) {
  const id = useId();
  const job = useJob(document.status === "ready" ? undefined : document.jobId);
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string>();
  const deleteButton = useRef<HTMLButtonElement>(null);
  const keepButton = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);
  const { label, tone } = STATUS[document.status];
  const name = document.filename;

  // Move focus into the question when it appears, and back to Delete when it goes.
  useEffect(() => {
    if (confirming) keepButton.current?.focus();
    else if (wasConfirming.current) deleteButton.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  const confirm = async () => {
    setDeleting(true);
    setError(undefined);
    try {
      await onDelete(document);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setConfirming(false);
    } finally {
      setDeleting(false);
    }
  };

  const created = new Date(document.createdAt);
  const live = document.status === "ingesting" && job && !job.terminal ? job : undefined;
  // A failed document may have no pages counted; say why it failed instead, when the job is known.
  const failure = document.status === "failed" ? (job?.error ?? "The document could not be ingested.") : undefined;
  const counts = document.status === "failed" && document.pages === 0 ? [] : [plural(document.pages, "page"), plural(document.chunks, "chunk")];

  return (
    <div className={styles.row} role="group" aria-labelledby={`${id}-name`}>
      <div className={styles.main}>
        <h3 id={`${id}-name`} className={styles.name}>
          {name}
        </h3>
        <StatusBadge tone={tone}>{live ? `${label} ${Math.round(live.progress)}%` : label}</StatusBadge>
        {document.title && document.title !== name && <p className={styles.title}>{document.title}</p>}
        <p className={styles.meta}>
          {counts.map((c) => `${c} · `)}added <time dateTime={created.toISOString()}>{created.toLocaleString()}</time>
        </p>
        {failure && <p className={styles.failure}>{failure}</p>}
        {live && (
          <>
            <ProgressBar value={live.progress} label={`${name} ingest progress`} tone="busy" />
            <p className={styles.meta}>{[stageLabel(live.stage), live.message].filter(Boolean).join(": ")}</p>
          </>
        )}
      </div>
      <div className={styles.actions}>
        {confirming ? (
          <div className={styles.confirm} role="group" aria-label={`Confirm deleting ${name}`}>
            <span id={`${id}-question`}>Delete {name}? It will no longer be searchable.</span>
            <button
              type="button"
              className="button button-danger"
              onClick={confirm}
              disabled={deleting}
              aria-describedby={`${id}-question`}
            >
              {deleting ? "Deleting…" : "Yes, delete"}
            </button>
            <button ref={keepButton} type="button" className="button" onClick={() => setConfirming(false)} disabled={deleting}>
              Keep
            </button>
          </div>
        ) : (
          <button
            ref={deleteButton}
            type="button"
            className="button button-danger"
            onClick={() => {
              setError(undefined);
              setConfirming(true);
            }}
          >
            Delete<span className="visually-hidden"> {name}</span>
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className={styles.error}>
          Could not delete {name}: {error}
        </p>
      )}
    </div>
  );
});
