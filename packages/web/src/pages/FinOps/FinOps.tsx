import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import { ActionRejectedError } from "@ferry/core/client";
import { FinopsReport } from "../../components/FinopsReport/FinopsReport";
import { Markdown } from "../../components/Markdown/Markdown";
import { RetryError } from "../../components/RetryError/RetryError";
import { ProgressBar } from "../../components/ProgressBar/ProgressBar";
import { StageList } from "../../components/StageList/StageList";
import { StatusBadge } from "../../components/StatusBadge/StatusBadge";
import { useJob } from "../../hooks/useDocuments";
import { useCancelJob } from "../../hooks/useCancelJob";
import { useConnectionStatus, useFerry } from "../../hooks/useFerry";
import { useJobResult } from "../../hooks/useJobResult";
import { useJobStages } from "../../hooks/useJobStages";
import { asBillingFile, BILLING_ACCEPT, billingFileProblem } from "../../services/billing-files";
import { sessionStore } from "../../services/conversation";
import { formatBytes } from "../../utils/files";
import { readFinopsResult } from "../../utils/finops";
import { jobStatusLabel, parseBoundedInt, shortId } from "../../utils/format";
import page from "../page.module.css";
import styles from "./FinOps.module.css";

type SourceKind = "upload" | "dataset" | "costExplorer";

/** A billing file on its way to storage; analyses reference it by `uploadId`. */
interface UploadState {
  filename: string;
  size: number;
  sent: number;
  phase: "uploading" | "ready" | "failed";
  uploadId?: string;
  error?: string;
}

/** The last analysis started here, kept for the session so leaving the page does not lose it. */
interface RunRecord {
  jobId: string;
  query: string;
  source: string;
}

const RUN_KEY = "ferry.finops.run";

const EXAMPLES = [
  "Where does most of the money go, and what can we save?",
  "Which services and accounts cost the most this month?",
  "How much could commitment discounts (Savings Plans, reservations) save?",
  "Which regions and resources look oversized or idle?",
];

/**
 * Cost analysis over billing data: choose the data (an uploaded FOCUS export,
 * a dataset configured on the server, or AWS Cost Explorer), ask a question,
 * follow the `finops_analysis` job stage by stage, then read its report and
 * ranked recommendations, or download the whole result.
 */
export function FinOps() {
  const client = useFerry();
  const id = useId();
  const open = useConnectionStatus().state === "open";
  const [kind, setKind] = useState<SourceKind>("upload");
  const [upload, setUpload] = useState<UploadState>();
  const [dataset, setDataset] = useState("");
  const [months, setMonths] = useState("3");
  const [query, setQuery] = useState("");
  const [error, setError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);
  const [run, setRun] = useState<RunRecord | undefined>(() => loadRun());
  const [missing, setMissing] = useState(false);
  const controller = useRef<AbortController>(undefined);
  const queryInput = useRef<HTMLTextAreaElement>(null);
  const job = useJob(run?.jobId);
  const running = job !== undefined && !job.terminal;

  useEffect(() => saveRun(run), [run]);
  useEffect(() => () => controller.current?.abort(new DOMException("The page was closed.", "AbortError")), []);

  // After a reload the client does not track the run: subscribe to bring it back (live if still running).
  useEffect(() => {
    if (!open || !run || client.job(run.jobId)) return;
    client.subscribe([run.jobId]).catch((e: unknown) => {
      if (e instanceof ActionRejectedError && e.code === "not_found") setMissing(true);
    });
  }, [client, open, run]);

  const chooseFile = async (file: File | undefined) => {
    controller.current?.abort(new DOMException("Replaced by another file.", "AbortError"));
    setError(undefined);
    if (!file) return setUpload(undefined);
    const problem = billingFileProblem(file);
    if (problem) return setUpload({ filename: file.name, size: file.size, sent: 0, phase: "failed", error: problem });
    const mine = new AbortController();
    controller.current = mine;
    setUpload({ filename: file.name, size: file.size, sent: 0, phase: "uploading" });
    try {
      const uploadId = await client.uploadFile(asBillingFile(file), {
        signal: mine.signal,
        onProgress: ({ loaded }) => setUpload((u) => (u && u.phase === "uploading" ? { ...u, sent: loaded } : u)),
      });
      setUpload({ filename: file.name, size: file.size, sent: file.size, phase: "ready", uploadId });
    } catch (e) {
      if (mine.signal.aborted) return;
      const reason = e instanceof Error ? e.message : String(e);
      setUpload({ filename: file.name, size: file.size, sent: 0, phase: "failed", error: `Could not upload ${file.name}: ${reason}` });
    }
  };

  const monthsValue = parseBoundedInt(months, 1, 12);

  const source = (): { input: Record<string, unknown>; label: string } | string => {
    switch (kind) {
      case "upload":
        if (upload?.phase === "uploading") return "Wait for the upload to finish.";
        if (upload?.phase !== "ready" || !upload.uploadId) return "Choose a billing file to upload first.";
        return { input: { uploadId: upload.uploadId }, label: upload.filename };
      case "dataset":
        if (!dataset.trim()) return "Type the name of a configured dataset.";
        return { input: { dataset: dataset.trim() }, label: `dataset ${dataset.trim()}` };
      case "costExplorer":
        if (monthsValue === undefined) return "Months must be a whole number from 1 to 12.";
        return { input: { costExplorer: { months: monthsValue } }, label: `Cost Explorer, last ${monthsValue} months` };
    }
  };

  const analyse = async (event: FormEvent) => {
    event.preventDefault();
    const chosen = source();
    if (typeof chosen === "string") return setError(chosen);
    if (!query.trim()) return setError("Type a question for the analysis.");
    setError(undefined);
    setSubmitting(true);
    try {
      const { jobId } = await client.submitJob("finops_analysis", { query: query.trim(), source: chosen.input });
      setMissing(false);
      setRun({ jobId, query: query.trim(), source: chosen.label });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <main className={page.main}>
      <section className={page.section} aria-labelledby="finops-heading">
        <h2 id="finops-heading" className={page.heading}>
          Analyse cloud costs
        </h2>
        <form className={styles.form} onSubmit={analyse} noValidate>
          <fieldset className={styles.fieldset}>
            <legend className={styles.legend}>Billing data</legend>
            <div className={styles.choices}>
              <label className={styles.choice}>
                <input type="radio" name={`${id}-source`} checked={kind === "upload"} onChange={() => setKind("upload")} />
                Upload a FOCUS export
              </label>
              <label className={styles.choice}>
                <input type="radio" name={`${id}-source`} checked={kind === "dataset"} onChange={() => setKind("dataset")} />
                Configured dataset
              </label>
              <label className={styles.choice}>
                <input type="radio" name={`${id}-source`} checked={kind === "costExplorer"} onChange={() => setKind("costExplorer")} />
                AWS Cost Explorer
              </label>
            </div>

            {kind === "upload" && (
              <div className={styles.field}>
                <label htmlFor={`${id}-file`}>Billing file</label>
                <input
                  id={`${id}-file`}
                  type="file"
                  accept={BILLING_ACCEPT}
                  aria-describedby={`${id}-file-hint`}
                  onChange={(e) => void chooseFile(e.target.files?.[0])}
                />
                <span id={`${id}-file-hint`} className={styles.hint}>
                  FOCUS 1.0–1.2 cost and usage rows as .csv, .csv.gz or .parquet. It goes straight to storage; the analysis reads it there.
                </span>
                {upload && <UploadLine upload={upload} />}
              </div>
            )}
            {kind === "dataset" && (
              <div className={styles.field}>
                <label htmlFor={`${id}-dataset`}>Dataset name</label>
                <input
                  id={`${id}-dataset`}
                  value={dataset}
                  onChange={(e) => setDataset(e.target.value)}
                  aria-describedby={`${id}-dataset-hint`}
                  autoComplete="off"
                  spellCheck={false}
                />
                <span id={`${id}-dataset-hint`} className={styles.hint}>
                  An export the server was set up with (offline: a file in the stack's datasets folder).
                </span>
              </div>
            )}
            {kind === "costExplorer" && (
              <div className={styles.field}>
                <label htmlFor={`${id}-months`}>Months</label>
                <input
                  id={`${id}-months`}
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={12}
                  value={months}
                  onChange={(e) => setMonths(e.target.value)}
                  aria-invalid={monthsValue === undefined}
                  aria-describedby={`${id}-months-hint`}
                  className={styles.short}
                />
                <span id={`${id}-months-hint`} className={styles.hint}>
                  1–12 months back. Deployed stacks only: the offline stack has no AWS account to ask.
                </span>
              </div>
            )}
          </fieldset>

          <div className={styles.field}>
            <label htmlFor={`${id}-query`}>Question</label>
            <textarea
              ref={queryInput}
              id={`${id}-query`}
              rows={2}
              maxLength={2000}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              className={styles.textarea}
              aria-describedby={`${id}-examples-label`}
            />
            <div className={styles.examples} role="group" aria-labelledby={`${id}-examples-label`}>
              <span id={`${id}-examples-label`} className={styles.hint}>
                Examples:
              </span>
              {EXAMPLES.map((example) => (
                <button
                  key={example}
                  type="button"
                  className={styles.example}
                  onClick={() => {
                    setQuery(example);
                    queryInput.current?.focus();
                  }}
                >
                  {example}
                </button>
              ))}
            </div>
          </div>

          <div className={styles.actions}>
            <button type="submit" className="button button-primary" disabled={submitting || running}>
              {submitting ? "Starting…" : running ? "Analysing…" : "Run analysis"}
            </button>
            {error && (
              <p role="alert" className={styles.error}>
                {error}
              </p>
            )}
          </div>
        </form>
      </section>

      {run && (
        <section className={page.section} aria-labelledby="analysis-heading">
          <h2 id="analysis-heading" className={page.heading}>
            Analysis
          </h2>
          <RunView run={run} missing={missing} />
        </section>
      )}
    </main>
  );
}

function UploadLine({ upload }: { upload: UploadState }) {
  if (upload.phase === "failed") {
    return (
      <p role="alert" className={styles.error}>
        {upload.error}
      </p>
    );
  }
  const percent = upload.size > 0 ? Math.round((100 * upload.sent) / upload.size) : 0;
  return (
    <div className={styles.upload}>
      {upload.phase === "uploading" && <ProgressBar value={percent} label={`Uploading ${upload.filename}`} />}
      <p role="status" className={styles.uploadStatus}>
        {upload.phase === "uploading"
          ? `Uploading ${upload.filename}: ${percent}%`
          : `Uploaded ${upload.filename} (${formatBytes(upload.size)}); ready to analyse.`}
      </p>
    </div>
  );
}

/** The job of one analysis: its progress and stages while it runs, then the report. */
function RunView({ run, missing }: { run: RunRecord; missing: boolean }) {
  const job = useJob(run.jobId);
  const stages = useJobStages(job);
  const { value, loading, error, retry } = useJobResult(job);
  const report = useMemo(() => readFinopsResult(value), [value]);
  const { cancel, cancelling } = useCancelJob(job?.jobId);

  if (missing) return <p className={styles.hint}>This analysis is no longer available on the server.</p>;
  if (!job) return <p className={styles.hint}>Loading the analysis…</p>;
  const { label, tone } = jobStatusLabel(job);

  return (
    <div className={styles.run} data-status={job.status}>
      <div className={styles.runHead}>
        <p className={styles.runQuery}>
          <span className="visually-hidden">Question: </span>“{run.query}”
        </p>
        <StatusBadge tone={tone}>{label}</StatusBadge>
      </div>
      <p className={styles.hint}>
        {run.source} · job {shortId(run.jobId)}
      </p>
      {!job.terminal && (
        <>
          <ProgressBar value={job.progress} label="Analysis progress" tone={tone} />
          <p className={styles.message} aria-live="polite">
            <span className={styles.percent}>{Math.round(job.progress)}%</span> {job.message}
          </p>
        </>
      )}
      <StageList stages={stages} job={job} label="Analysis stages" />
      {!report && job.output && (
        // The narrative streams in while the report is written; the finished report replaces it.
        <div className={styles.draft}>
          <h3 className={styles.draftHeading}>{job.terminal ? "Narrative written before the end" : "Writing the narrative…"}</h3>
          <div aria-live="polite">
            <Markdown text={job.output} headingLevel={4} />
          </div>
        </div>
      )}
      {!job.terminal && (
        <div>
          <button type="button" className="button button-danger" onClick={cancel} disabled={cancelling}>
            {cancelling ? "Stopping…" : "Stop the analysis"}
          </button>
        </div>
      )}
      {job.status === "failed" && (
        <p role="alert" className={styles.error}>
          The analysis failed: {job.error ?? "unknown error."}
          {job.errorCode && <span className={styles.code}> ({job.errorCode})</span>}
        </p>
      )}
      {job.status === "cancelled" && <p className={styles.hint}>Stopped before it finished.</p>}
      {loading && <p className={styles.hint}>Downloading the report…</p>}
      {error && <RetryError message={error} onRetry={retry} />}
      {job.status === "completed" && value !== undefined && !report && (
        <p role="alert" className={styles.error}>
          The analysis finished but its result has no report.
        </p>
      )}
      {report && <FinopsReport report={report} raw={value} fileStem={`finops-${shortId(run.jobId)}`} />}
      <p role="status" className="visually-hidden">
        {job.status === "completed" ? "Analysis complete." : job.status === "failed" ? "The analysis failed." : ""}
      </p>
    </div>
  );
}

function loadRun(): RunRecord | undefined {
  try {
    const raw = sessionStore()?.getItem(RUN_KEY);
    const value = raw ? (JSON.parse(raw) as Partial<RunRecord>) : undefined;
    if (value && typeof value.jobId === "string" && typeof value.query === "string" && typeof value.source === "string") {
      return { jobId: value.jobId, query: value.query, source: value.source };
    }
  } catch {
    // unreadable: start without
  }
  return undefined;
}

function saveRun(run: RunRecord | undefined): void {
  try {
    if (run) sessionStore()?.setItem(RUN_KEY, JSON.stringify(run));
  } catch {
    // full or blocked: the run still shows while the page is open
  }
}
