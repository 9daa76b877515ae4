/**
 * Downloads a result delivered by reference (`job_completed {resultUrl}`): a
 * presigned GET, used when the result would not fit one 128 KB WebSocket message.
 *
 * @throws Error with a sentence fit for the page: the HTTP status (403 usually
 *   means the hour-long link expired), or that the body was not JSON
 */
export async function fetchResult(url: string, fetchImpl: typeof fetch = fetch, signal?: AbortSignal): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchImpl(url, { signal, headers: { accept: "application/json" } });
  } catch (error) {
    signal?.throwIfAborted();
    throw new Error(`The result could not be downloaded: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (!response.ok) {
    const hint = response.status === 403 ? " (the download link has probably expired)" : "";
    throw new Error(`The result could not be downloaded: storage answered HTTP ${response.status}${hint}.`);
  }
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error("The downloaded result is not valid JSON.");
  }
}

/** A result as a JSON file the browser can save. */
export function resultFile(value: unknown): Blob {
  return new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: "application/json" });
}
