import { createContext, createElement, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { UploadQueue, type UploadItem } from "../services/uploads";
import { plural } from "../utils/files";
import { useFerry } from "./useFerry";

const UploadsContext = createContext<UploadQueue | null>(null);

/**
 * Provides the session's {@link UploadQueue}, above the pages so that uploads go
 * on while the user looks at their jobs. Warns before the tab is closed while a
 * file is still being sent (the job itself runs on without the tab).
 */
export function UploadsProvider({ children }: { children: ReactNode }) {
  const client = useFerry();
  const [queue] = useState(() => new UploadQueue(client));
  useEffect(() => queue.attach(), [queue]);
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (queue.busy) event.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [queue]);
  return createElement(UploadsContext.Provider, { value: queue }, children);
}

/** The queue provided by the nearest {@link UploadsProvider}. */
export function useUploadQueue(): UploadQueue {
  const queue = useContext(UploadsContext);
  if (!queue) throw new Error("useUploadQueue() must be used inside <UploadsProvider>");
  return queue;
}

/** The session's uploads, newest first, re-rendering on every change. */
export function useUploads(): readonly UploadItem[] {
  const queue = useUploadQueue();
  return useSyncExternalStore(
    (onChange) => queue.subscribe(onChange),
    () => queue.items,
  );
}

/** A sentence for screen readers when an upload changes phase (not on every progress tick). */
export function useUploadAnnouncements(): string {
  const queue = useUploadQueue();
  const [message, setMessage] = useState("");
  useEffect(() => queue.onPhase((item) => setMessage(announce(item))), [queue]);
  return message;
}

function announce(item: UploadItem): string {
  const name = item.filename;
  switch (item.phase) {
    case "waiting":
      return `${name} added; waiting to upload.`;
    case "uploading":
      return `Uploading ${name}.`;
    case "queued":
      return `${name} uploaded; queued for ingestion.`;
    case "ingesting":
      return `Ingesting ${name}.`;
    case "ready":
      return item.result
        ? `${name} is ready: ${plural(item.result.pages, "page")}, ${plural(item.result.chunks, "chunk")}.`
        : `${name} is ready.`;
    case "failed":
      return `${name} failed: ${item.error ?? "unknown error"}`;
    case "cancelled":
      return `${name} was cancelled.`;
  }
}
