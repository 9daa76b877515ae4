import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { JobState } from "@ferry/core/client";
import type { DocumentView } from "@ferry/core/protocol";
import { useConnectionStatus, useFerry } from "./useFerry";

export interface DocumentsPage {
  /** The current page, newest first. */
  documents: readonly DocumentView[];
  /** True once an answer for the current page has arrived. */
  listed: boolean;
  /** Why the last listing failed, if it did. */
  error: string | undefined;
  /** 0-based. */
  pageIndex: number;
  hasNext: boolean;
  hasPrevious: boolean;
  next(): void;
  previous(): void;
  /** Lists the current page again. */
  refresh(): void;
  /** Deletes a document and drops it from the page; throws the server's refusal. */
  remove(documentId: string): Promise<void>;
}

/** Refreshes triggered by events are coalesced: a burst of job changes makes one `list_documents`. */
const REFRESH_DELAY_MS = 250;

/**
 * The caller's documents, a page at a time (`list_documents` with its cursor).
 * Lists again when the connection opens, when an `ingest_pdf` job starts or
 * ends (its document appears or changes status) and after a delete. Ingest jobs
 * of listed documents still ingesting are subscribed to, so their progress shows.
 */
export function useDocuments(pageSize = 20): DocumentsPage {
  const client = useFerry();
  const open = useConnectionStatus().state === "open";
  /** `cursors[i]` is the cursor that lists page `i`; page 0 has none. */
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [pageIndex, setPageIndex] = useState(0);
  const [tick, setTick] = useState(0);
  const [page, setPage] = useState<{ documents: readonly DocumentView[]; cursor: string | undefined; listed: boolean; error?: string }>({
    documents: [],
    cursor: undefined,
    listed: false,
  });
  const generation = useRef(0);

  const refresh = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    if (!open) return;
    const mine = ++generation.current;
    client.listDocuments({ limit: pageSize, cursor: cursors[pageIndex] }).then(
      (answer) => {
        if (mine !== generation.current) return;
        // The last documents of a later page were deleted: show the one before.
        if (answer.documents.length === 0 && pageIndex > 0) return setPageIndex((i) => Math.max(0, i - 1));
        setPage({ documents: answer.documents, cursor: answer.cursor, listed: true });
      },
      (error: unknown) => {
        if (mine !== generation.current) return;
        setPage((p) => ({ ...p, listed: true, error: error instanceof Error ? error.message : String(error) }));
      },
    );
  }, [client, open, pageSize, cursors, pageIndex, tick]);

  // Ingest jobs change documents: list again when one starts or ends.
  useEffect(() => {
    const seen = new Map<string, JobState["status"]>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = client.onJob((job) => {
      if (job.kind !== "ingest_pdf") return;
      const before = seen.get(job.jobId);
      seen.set(job.jobId, job.status);
      if (before === job.status || job.status === "queued") return;
      clearTimeout(timer);
      timer = setTimeout(refresh, REFRESH_DELAY_MS);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [client, refresh]);

  // Snapshot ingest jobs this client does not track yet (started in another tab or session):
  // a running one for its progress, a failed one for its reason.
  useEffect(() => {
    if (!open) return;
    const untracked = page.documents.flatMap((d) => (d.status !== "ready" && d.jobId && !client.job(d.jobId) ? [d.jobId] : []));
    if (untracked.length > 0) client.subscribe(untracked.slice(0, 100)).catch(() => {});
  }, [client, open, page.documents]);

  const remove = useCallback(
    async (documentId: string) => {
      await client.deleteDocument(documentId);
      setPage((p) => ({ ...p, documents: p.documents.filter((d) => d.documentId !== documentId) }));
      refresh();
    },
    [client, refresh],
  );

  const next = useCallback(() => {
    if (!page.cursor) return;
    setCursors((c) => [...c.slice(0, pageIndex + 1), page.cursor]);
    setPageIndex((i) => i + 1);
  }, [page.cursor, pageIndex]);

  const previous = useCallback(() => setPageIndex((i) => Math.max(0, i - 1)), []);

  return {
    documents: page.documents,
    listed: page.listed,
    error: page.error,
    pageIndex,
    hasNext: page.cursor !== undefined,
    hasPrevious: pageIndex > 0,
    next,
    previous,
    refresh,
    remove,
  };
}

/** A tracked job's live state, or undefined when this client does not track it. */
export function useJob(jobId: string | undefined): JobState | undefined {
  const client = useFerry();
  return useSyncExternalStore(
    (onChange) => client.onJobsChange(onChange),
    () => (jobId ? client.job(jobId) : undefined),
  );
}
