import { memo, useId, useRef, useState, type DragEvent } from "react";
import { formatBytes, MAX_UPLOAD_BYTES, PDF_ACCEPT, uploadProblem } from "../../utils/files";
import styles from "./DropZone.module.css";

export interface DropZoneProps {
  /** Files that passed the client-side check; the server checks them again. */
  onFiles(files: File[]): void;
  maxBytes?: number;
  disabled?: boolean;
}

/**
 * Where PDFs are added: drop them on it, or activate it (click, Enter, Space)
 * to open the file picker. It is a real button, so it is reachable and usable
 * from the keyboard. Files that are not PDFs or are over the limit are listed
 * in an alert and not added.
 */
export const DropZone = memo(function DropZone({ onFiles, maxBytes = MAX_UPLOAD_BYTES, disabled = false }: DropZoneProps) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [rejected, setRejected] = useState<string[]>([]);
  // dragenter/dragleave fire for every child crossed; count them to know when the pointer really left.
  const depth = useRef(0);

  const take = (list: FileList | null) => {
    const files = Array.from(list ?? []);
    if (files.length === 0) return;
    const problems = files.map((f) => uploadProblem(f, maxBytes));
    setRejected(problems.filter((p): p is string => p !== undefined));
    const accepted = files.filter((_, i) => problems[i] === undefined);
    if (accepted.length > 0) onFiles(accepted);
  };

  const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer.types).includes("Files");

  return (
    <div className={styles.wrapper}>
      <button
        type="button"
        className={styles.zone}
        data-dragging={dragging || undefined}
        disabled={disabled}
        aria-describedby={`${id}-hint`}
        onClick={() => input.current?.click()}
        onDragEnter={(e) => {
          if (!hasFiles(e) || disabled) return;
          e.preventDefault();
          depth.current++;
          setDragging(true);
        }}
        onDragOver={(e) => {
          if (!hasFiles(e) || disabled) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = "copy";
        }}
        onDragLeave={() => {
          depth.current = Math.max(0, depth.current - 1);
          if (depth.current === 0) setDragging(false);
        }}
        onDrop={(e) => {
          e.preventDefault();
          depth.current = 0;
          setDragging(false);
          if (!disabled) take(e.dataTransfer.files);
        }}
      >
        <span className={styles.title}>Drop PDFs here or choose files</span>
        <span id={`${id}-hint`} className={styles.hint}>
          {dragging ? "Release to upload." : `PDF only, up to ${formatBytes(maxBytes)} each. Several at once are fine.`}
        </span>
      </button>
      <input
        ref={input}
        id={`${id}-input`}
        type="file"
        accept={PDF_ACCEPT}
        multiple
        hidden
        aria-label="PDF files to upload"
        onChange={(e) => {
          take(e.target.files);
          // Choosing the same file again must fire `change` again.
          e.target.value = "";
        }}
      />
      {rejected.length > 0 && (
        <div role="alert" className={styles.rejected}>
          <p>{rejected.length === 1 ? "This file was not added:" : "These files were not added:"}</p>
          <ul>
            {rejected.map((problem, i) => (
              <li key={i}>{problem}</li>
            ))}
          </ul>
          <button type="button" className="button" onClick={() => setRejected([])}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
});
