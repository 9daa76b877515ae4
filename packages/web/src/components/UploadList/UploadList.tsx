import { memo, useId, useState } from "react";
import { finishedPhases, type UploadItem, type UploadPhase } from "../../services/uploads";
import { formatBytes, uploadStatusText } from "../../utils/files";
import type { Tone } from "../../utils/format";
import { ProgressBar } from "../ProgressBar/ProgressBar";
import { StatusBadge } from "../StatusBadge/StatusBadge";
import styles from "./UploadList.module.css";

export interface UploadListProps {
  items: readonly UploadItem[];
  onCancel(id: string): Promise<void>;
  onDismiss(id: string): void;
}

/** The files added this session, newest first, each with where it is on its way to a document. */
export function UploadList({ items, onCancel, onDismiss }: UploadListProps) {
  if (items.length === 0) return null;
  return (
    <ul className={styles.list} aria-label="Uploads">
      {items.map((item) => (
        <li key={item.id}>
          <UploadRow item={item} onCancel={onCancel} onDismiss={onDismiss} />
        </li>
      ))}
    </ul>
  );
}

const BADGE: Record<UploadPhase, { label: string; tone: Tone }> = {
  waiting: { label: "Waiting", tone: "neutral" },
  uploading: { label: "Uploading", tone: "busy" },
  queued: { label: "Queued", tone: "neutral" },
  ingesting: { label: "Ingesting", tone: "busy" },
  ready: { label: "Ready", tone: "good" },
  failed: { label: "Failed", tone: "bad" },
  cancelled: { label: "Cancelled", tone: "neutral" },
};

const UploadRow = memo(function UploadRow({ item, onCancel, onDismiss }: { item: UploadItem } & Omit<UploadListProps, "items">) {
  const headingId = useId();
  const [cancelError, setCancelError] = useState<string>();
  const finished = finishedPhases.includes(item.phase);
  const badge = item.retrying && item.phase === "ingesting" ? { label: "Retrying", tone: "warn" as const } : BADGE[item.phase];
  const value =
    item.phase === "uploading" ? (item.size > 0 ? (100 * item.sent) / item.size : 0) : item.phase === "waiting" ? 0 : item.phase === "ready" ? 100 : item.progress;
  const title = item.result?.title;

  const cancel = () => {
    setCancelError(undefined);
    onCancel(item.id).catch((e: unknown) => setCancelError(e instanceof Error ? e.message : String(e)));
  };

  return (
    <div className={styles.item} data-phase={item.phase} aria-labelledby={headingId} role="group">
      <div className={styles.header}>
        <h3 id={headingId} className={styles.name}>
          {item.filename}
        </h3>
        <StatusBadge tone={badge.tone}>{badge.label}</StatusBadge>
        <span className={styles.meta}>{formatBytes(item.size)}</span>
        {finished ? (
          <button type="button" className={`button ${styles.action}`} onClick={() => onDismiss(item.id)}>
            Dismiss<span className="visually-hidden"> {item.filename}</span>
          </button>
        ) : (
          <button type="button" className={`button button-danger ${styles.action}`} onClick={cancel}>
            Cancel<span className="visually-hidden"> {item.filename}</span>
          </button>
        )}
      </div>
      {title && <p className={styles.title}>{title}</p>}
      {item.phase !== "failed" && item.phase !== "cancelled" && (
        <ProgressBar value={value} label={`${item.filename} progress`} tone={badge.tone} />
      )}
      <p className={item.phase === "failed" ? styles.error : styles.status}>{uploadStatusText(item)}</p>
      {item.result && item.result.warnings.length > 0 && (
        <ul className={styles.warnings} aria-label={`Warnings for ${item.filename}`}>
          {item.result.warnings.map((warning, i) => (
            <li key={i}>{warning}</li>
          ))}
        </ul>
      )}
      {cancelError && (
        <p role="alert" className={styles.error}>
          {cancelError}
        </p>
      )}
    </div>
  );
});
