import { z } from "zod";
import { RequestError } from "../errors";

const Position = z.object({ createdAt: z.number().int(), jobId: z.string() });
export type ListPosition = z.infer<typeof Position>;

/** `list_jobs` cursors are opaque to clients: the (createdAt, jobId) of the last job returned. */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

export function decodeCursor(cursor: string): ListPosition {
  try {
    return Position.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch (cause) {
    throw new RequestError("bad_request", "cursor is not one this server issued", { cause });
  }
}

/** Newest first; ties broken by id so pages never overlap. */
export function isAfter(a: ListPosition, b: ListPosition): boolean {
  return a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.jobId < b.jobId);
}
