import { ConnectionGoneError, describeError } from "../errors";
import type { JobEvent, JobEventDraft, ServerEvent } from "../protocol";
import type { AppendOptions, ConnectionStore, JobStore, Logger, Notifier } from "../ports";

/**
 * Records job events and delivers them to every live connection of the job's owner.
 *
 * @remarks Order matters: the event is appended to the log (and numbered) *before*
 * it is posted, so a client that misses a post can always get it back with
 * `subscribe {afterSeq}`. A failed post never fails the job; a 410 forgets the connection.
 */
export class EventPublisher {
  constructor(
    private readonly deps: {
      store: JobStore;
      connections: ConnectionStore;
      notifier: Notifier;
      logger: Logger;
      /**
       * Turns the stored reference of an offloaded result into a URL, at delivery. The
       * log keeps the reference: a presigned URL frozen into it would stop working
       * when the signing credentials expire (hours, for a Lambda role).
       */
      resultUrl?: (reference: string) => Promise<string>;
    },
  ) {}

  /** Appends `draft` to the job's log (conditionally) and posts the numbered event to the owner. */
  async publish(owner: string, draft: JobEventDraft, options?: AppendOptions): Promise<JobEvent> {
    // The lookup does not depend on the append, so both go out together; only the posts wait.
    const [event, ids] = await Promise.all([
      this.deps.store.append(draft.jobId, draft, options),
      this.deps.connections.listByUser(owner),
    ]);
    await this.#postAll(ids, event);
    return event;
  }

  async #postAll(connectionIds: string[], event: ServerEvent): Promise<void> {
    if (!connectionIds.length) return;
    const frame = JSON.stringify(await this.#present(event));
    await Promise.all(connectionIds.map((id) => this.#post(id, frame)));
  }

  /** Posts one frame to one connection; returns false when the connection is gone. */
  async send(connectionId: string, event: ServerEvent): Promise<boolean> {
    return this.#post(connectionId, JSON.stringify(await this.#present(event)));
  }

  /** The event as a client gets it: result references become fresh URLs. */
  async #present(event: ServerEvent): Promise<ServerEvent> {
    const url = this.deps.resultUrl;
    if (!url) return event;
    switch (event.type) {
      case "job_completed":
        return event.resultUrl ? { ...event, resultUrl: await url(event.resultUrl) } : event;
      case "job_snapshot":
        return event.job.resultUrl ? { ...event, job: { ...event.job, resultUrl: await url(event.job.resultUrl) } } : event;
      case "job_list":
        return { ...event, jobs: await Promise.all(event.jobs.map(async (j) => (j.resultUrl ? { ...j, resultUrl: await url(j.resultUrl) } : j))) };
      default:
        return event;
    }
  }

  async #post(connectionId: string, frame: string): Promise<boolean> {
    try {
      await this.deps.notifier.post(connectionId, frame);
      return true;
    } catch (error) {
      if (error instanceof ConnectionGoneError) {
        await this.deps.connections.delete(connectionId).catch(() => {});
        return false;
      }
      this.deps.logger.warn("post to connection failed", { connectionId, error: describeError(error) });
      return false;
    }
  }
}
