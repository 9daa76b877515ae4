import { useCallback, useEffect, useRef, useState } from "react";
import type { DocumentView } from "@ferry/core/protocol";
import { DocumentList } from "../../components/DocumentList/DocumentList";
import { DropZone } from "../../components/DropZone/DropZone";
import { UploadList } from "../../components/UploadList/UploadList";
import { useDocuments } from "../../hooks/useDocuments";
import { useConnectionStatus } from "../../hooks/useFerry";
import { useUploadAnnouncements, useUploadQueue, useUploads } from "../../hooks/useUploads";
import page from "../page.module.css";
import styles from "./Documents.module.css";

/**
 * Adding PDFs (drop or pick; each is uploaded straight to storage, then
 * ingested by a job whose progress shows live), and the caller's documents with
 * paging and delete.
 */
export function Documents() {
  const queue = useUploadQueue();
  const uploads = useUploads();
  const uploadAnnouncement = useUploadAnnouncements();
  const docs = useDocuments();
  const status = useConnectionStatus();
  const [announcement, setAnnouncement] = useState("");
  const listHeading = useRef<HTMLHeadingElement>(null);
  useDropGuard();

  // One live region for both sources, so that a screen reader hears the latest.
  useEffect(() => setAnnouncement(uploadAnnouncement), [uploadAnnouncement]);

  const onFiles = useCallback((files: File[]) => void queue.add(files), [queue]);
  const onCancel = useCallback((id: string) => queue.cancel(id), [queue]);
  const onDismiss = useCallback((id: string) => queue.dismiss(id), [queue]);
  const onDelete = useCallback(
    async (document: DocumentView) => {
      await docs.remove(document.documentId);
      setAnnouncement(`Deleted ${document.filename}.`);
      // The row and its buttons are gone; keep focus somewhere that makes sense.
      listHeading.current?.focus();
    },
    [docs.remove],
  );

  const offline = status.state === "closed" || status.state === "unauthorized";

  return (
    <main className={page.main}>
      <section className={page.section} aria-labelledby="add-heading">
        <h2 id="add-heading" className={page.heading}>
          Add documents
        </h2>
        <DropZone onFiles={onFiles} disabled={offline} />
        <UploadList items={uploads} onCancel={onCancel} onDismiss={onDismiss} />
      </section>

      <section className={page.section} aria-labelledby="documents-heading">
        <div className={styles.headingRow}>
          <h2 id="documents-heading" className={page.heading} ref={listHeading} tabIndex={-1}>
            My documents
          </h2>
          <button type="button" className="button" onClick={docs.refresh}>
            Refresh
          </button>
        </div>
        {docs.error && (
          <p role="alert" className={styles.error}>
            Could not list your documents: {docs.error}
          </p>
        )}
        <DocumentList documents={docs.documents} loading={!docs.listed && !offline} onDelete={onDelete} />
        {(docs.hasNext || docs.hasPrevious) && (
          <nav className={styles.pager} aria-label="Document pages">
            <button type="button" className="button" onClick={docs.previous} disabled={!docs.hasPrevious}>
              Previous page
            </button>
            <span>Page {docs.pageIndex + 1}</span>
            <button type="button" className="button" onClick={docs.next} disabled={!docs.hasNext}>
              Next page
            </button>
          </nav>
        )}
      </section>

      <p role="status" aria-live="polite" className="visually-hidden">
        {announcement}
      </p>
    </main>
  );
}

/** A file dropped beside the drop zone must not make the browser open it in place of the dashboard. */
function useDropGuard() {
  useEffect(() => {
    const guard = (event: DragEvent) => {
      if (event.dataTransfer && Array.from(event.dataTransfer.types).includes("Files")) event.preventDefault();
    };
    window.addEventListener("dragover", guard);
    window.addEventListener("drop", guard);
    return () => {
      window.removeEventListener("dragover", guard);
      window.removeEventListener("drop", guard);
    };
  }, []);
}
