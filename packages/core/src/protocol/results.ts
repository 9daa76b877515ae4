import { z } from "zod";

/**
 * `job_completed.result` of an `ingest_pdf` job. Declared with the wire contract so
 * the worker that produces it and the dashboard that reads it share one schema.
 */
export const IngestPdfResult = z.object({
  documentId: z.string(),
  title: z.string().optional(),
  pages: z.number().int(),
  chunks: z.number().int(),
  /** Pages with no text layer (scanned images, blank pages) or that could not be read. */
  skippedPages: z.array(z.number().int()),
  warnings: z.array(z.string()),
});
export type IngestPdfResult = z.infer<typeof IngestPdfResult>;
