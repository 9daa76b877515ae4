import { useCallback, useEffect, useRef, useState } from "react";
import type { DocumentView } from "@ferry/core/protocol";
import { useConnectionStatus, useFerry } from "./useFerry";

export interface ReadyDocuments {
  /** Documents that can be searched (`status: ready`), newest first. */
  documents: readonly DocumentView[];
  /** True once the first listing answered. */
  listed: boolean;
  error: string | undefined;
  /** True when there were more documents than one listing reads. */
  truncated: boolean;
  refresh(): void;
}

const PAGE = 100;
/** Pages read per listing; beyond 500 documents a picker is the wrong tool anyway. */
const MAX_PAGES = 5;

/**
 * Every ready document of the caller, for choosing what a question searches.
 * Lists again when the connection opens and when an `ingest_pdf` job ends (a
 * document became ready, or did not).
 */
export function useReadyDocuments(): ReadyDocuments {
  const client = useFerry();
  const open = useConnectionStatus().state === "open";
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<Omit<ReadyDocuments, "refresh">>({ documents: [], listed: false, error: undefined, truncated: false });
  const generation = useRef(0);
  const refresh = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    if (!open) return;
    const mine = ++generation.current;
    void (async () => {
      const all: DocumentView[] = [];
      let cursor: string | undefined;
      let pages = 0;
      try {
        do {
          const page = await client.listDocuments({ limit: PAGE, cursor });
          all.push(...page.documents);
          cursor = page.cursor;
        } while (cursor && ++pages < MAX_PAGES);
        if (mine !== generation.current) return;
        setState({ documents: all.filter((d) => d.status === "ready"), listed: true, error: undefined, truncated: cursor !== undefined });
      } catch (error) {
        if (mine !== generation.current) return;
        setState((s) => ({ ...s, listed: true, error: error instanceof Error ? error.message : String(error) }));
      }
    })();
  }, [client, open, tick]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = client.onJob((job, event) => {
      if (job.kind !== "ingest_pdf" || !job.terminal || !event) return;
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [client, refresh]);

  return { ...state, refresh };
}
