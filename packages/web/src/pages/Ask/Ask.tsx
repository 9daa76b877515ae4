import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { ActionRejectedError } from "@ferry/core/client";
import { AnswerView, type AnswerViewProps } from "../../components/AnswerView/AnswerView";
import { DocumentPicker, type DocumentScope } from "../../components/DocumentPicker/DocumentPicker";
import { useJob } from "../../hooks/useDocuments";
import { useConnectionStatus, useFerry } from "../../hooks/useFerry";
import { useReadyDocuments } from "../../hooks/useReadyDocuments";
import { loadConversation, newConversation, saveConversation, sessionStore, type Conversation } from "../../services/conversation";
import { plural } from "../../utils/files";
import { parseRagResult, ragInput } from "../../utils/rag";
import page from "../page.module.css";
import styles from "./Ask.module.css";

/** Turns restored after a reload are looked up again, at most this many (the newest). */
const RESTORE_TURNS = 20;

/**
 * Questions over the caller's documents, answered by `rag_query` jobs: pick the
 * documents, ask, watch the answer being written, follow its `[n]` markers to
 * the sources. Questions in one conversation share its id, so follow-ups
 * ("and on which page?") resolve; "New conversation" starts afresh.
 */
export function Ask() {
  const client = useFerry();
  const id = useId();
  const open = useConnectionStatus().state === "open";
  const docs = useReadyDocuments();
  const [conversation, setConversation] = useState<Conversation>(() => loadConversation(sessionStore()));
  const [scope, setScope] = useState<DocumentScope>("all");
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [question, setQuestion] = useState("");
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();
  const [missing, setMissing] = useState<ReadonlySet<string>>(new Set());
  const input = useRef<HTMLTextAreaElement>(null);
  const announcement = useAnswerAnnouncements(conversation);

  useEffect(() => saveConversation(sessionStore(), conversation), [conversation]);

  // After a reload the client tracks none of the restored answers: subscribe to bring them back
  // (a running one continues live from its snapshot's output).
  useEffect(() => {
    if (!open) return;
    const untracked = conversation.turns
      .slice(-RESTORE_TURNS)
      .map((t) => t.jobId)
      .filter((jobId) => !client.job(jobId) && !missing.has(jobId));
    for (const jobId of untracked) {
      client.subscribe([jobId]).catch((e: unknown) => {
        if (e instanceof ActionRejectedError && e.code === "not_found") setMissing((m) => new Set(m).add(jobId));
      });
    }
  }, [client, open, conversation.turns, missing]);

  const latest = conversation.turns.at(-1);
  const latestJob = useJob(latest?.jobId);
  const answering = latest !== undefined && !missing.has(latest.jobId) && (!latestJob || !latestJob.terminal);

  // Documents deleted meanwhile drop out of the selection.
  const readyIds = useMemo(() => new Set(docs.documents.map((d) => d.documentId)), [docs.documents]);
  const names = useMemo(() => new Map(docs.documents.map((d) => [d.documentId, d.filename])), [docs.documents]);
  const chosen = useMemo(() => [...picked].filter((d) => readyIds.has(d)), [picked, readyIds]);

  const ask = async (event?: FormEvent) => {
    event?.preventDefault();
    const text = question.trim();
    if (!text) return setError("Type a question first.");
    if (scope === "some" && chosen.length === 0) return setError("Pick at least one document, or search all of them.");
    if (answering) return setError("Wait for the current answer to finish, or stop it.");
    setSubmitting(true);
    setError(undefined);
    const documentIds = scope === "some" ? chosen : undefined;
    try {
      const { jobId } = await client.submitJob("rag_query", ragInput(text, conversation.id, documentIds));
      setConversation((c) => ({ ...c, turns: [...c.turns, { question: text, jobId, documentIds, askedAt: Date.now() }] }));
      setQuestion("");
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSubmitting(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter asks, Shift+Enter is a new line; not while an input method is composing a character.
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void ask();
    }
  };

  const startOver = useCallback(() => {
    setConversation(newConversation());
    setError(undefined);
    input.current?.focus();
  }, []);

  return (
    <main className={page.main}>
      <section className={page.section} aria-labelledby="ask-heading">
        <h2 id="ask-heading" className={page.heading}>
          Ask your documents
        </h2>
        <DocumentPicker
          documents={docs.documents}
          listed={docs.listed}
          scope={scope}
          picked={picked}
          onScope={setScope}
          onPicked={setPicked}
        />
        {docs.error && (
          <p role="alert" className={styles.error}>
            Could not list your documents: {docs.error}
          </p>
        )}
        {docs.truncated && <p className={styles.hint}>Only your newest {plural(docs.documents.length, "ready document")} are listed.</p>}
      </section>

      <section className={page.section} aria-labelledby="conversation-heading">
        <div className={styles.headingRow}>
          <h2 id="conversation-heading" className={page.heading}>
            Conversation
          </h2>
          <button type="button" className="button" onClick={startOver} disabled={conversation.turns.length === 0}>
            New conversation
          </button>
        </div>
        {conversation.turns.length === 0 ? (
          <p className={styles.hint}>Ask a question below. Follow-up questions can refer to earlier answers until you start a new conversation.</p>
        ) : (
          <ol className={styles.turns} aria-label="Questions and answers">
            {conversation.turns.map((turn) => (
              <li key={turn.jobId}>
                <Turn
                  jobId={turn.jobId}
                  question={turn.question}
                  missing={missing.has(turn.jobId)}
                  documentCount={turn.documentIds?.length}
                  documentNames={names}
                />
              </li>
            ))}
          </ol>
        )}

        <form className={styles.form} onSubmit={ask} noValidate>
          <label htmlFor={`${id}-question`} className={styles.label}>
            {conversation.turns.length === 0 ? "Question" : "Follow-up question"}
          </label>
          <textarea
            ref={input}
            id={`${id}-question`}
            className={styles.textarea}
            rows={3}
            maxLength={4000}
            value={question}
            onChange={(e) => setQuestion(e.target.value)}
            onKeyDown={onKeyDown}
            aria-describedby={`${id}-hint`}
            aria-invalid={error !== undefined && !question.trim() ? true : undefined}
            placeholder="What does the report say about…?"
          />
          <div className={styles.actions}>
            <span id={`${id}-hint`} className={styles.hint}>
              Enter asks; Shift+Enter starts a new line.
            </span>
            <button type="submit" className="button button-primary" disabled={submitting || answering}>
              {submitting ? "Asking…" : answering ? "Answering…" : "Ask"}
            </button>
          </div>
          {error && (
            <p role="alert" className={styles.error}>
              {error}
            </p>
          )}
        </form>
      </section>

      <p role="status" className="visually-hidden">
        {announcement}
      </p>
    </main>
  );
}

function Turn({ jobId, ...rest }: { jobId: string } & Omit<AnswerViewProps, "job">) {
  const job = useJob(jobId);
  return <AnswerView job={job} {...rest} />;
}

/** One sentence when an answer of this conversation ends; the answer itself is read by its own live region. */
function useAnswerAnnouncements(conversation: Conversation): string {
  const client = useFerry();
  const [message, setMessage] = useState("");
  const ids = useMemo(() => new Set(conversation.turns.map((t) => t.jobId)), [conversation.turns]);
  useEffect(
    () =>
      client.onJob((job, event) => {
        if (!event || !ids.has(job.jobId)) return;
        if (event.type === "job_completed") {
          const result = parseRagResult(job.result);
          const sources = result?.citations.length ?? 0;
          setMessage(sources > 0 ? `Answer complete, with ${plural(sources, "source")}.` : "Answer complete.");
        } else if (event.type === "job_failed") {
          setMessage(`The answer failed: ${job.error ?? "unknown error"}`);
        } else if (event.type === "job_cancelled") {
          setMessage("Answer stopped.");
        }
      }),
    [client, ids],
  );
  return message;
}
