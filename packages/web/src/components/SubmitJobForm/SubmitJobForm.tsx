import { memo, useId, useState, type FormEvent } from "react";
import { useFerry } from "../../hooks/useFerry";
import { parseBoundedInt, shortId } from "../../utils/format";
import styles from "./SubmitJobForm.module.css";

/** Job kinds the form offers; each brings its own fields. */
const KINDS = [{ value: "canary", label: "Canary (synthetic job)" }] as const;
type Kind = (typeof KINDS)[number]["value"];

/** Bounds of `CanaryInput` in @ferry/core/jobs; the server validates them again. */
const CANARY = { steps: { min: 1, max: 10_000 }, stepMs: { min: 0, max: 60_000 } } as const;

/**
 * Submits a job and says what happened; the job itself shows up in the list.
 * Memoised: the page re-renders on every job event, this form need not.
 */
export const SubmitJobForm = memo(function SubmitJobForm() {
  const client = useFerry();
  const id = useId();
  const [kind, setKind] = useState<Kind>("canary");
  const [steps, setSteps] = useState("5");
  const [stepMs, setStepMs] = useState("500");
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<string>();

  const stepsValue = parseBoundedInt(steps, CANARY.steps.min, CANARY.steps.max);
  const stepMsValue = parseBoundedInt(stepMs, CANARY.stepMs.min, CANARY.stepMs.max);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (stepsValue === undefined || stepMsValue === undefined) {
      setError("Fix the highlighted fields first.");
      return;
    }
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      const { jobId, duplicate } = await client.submitJob(kind, { steps: stepsValue, stepMs: stepMsValue });
      setNotice(duplicate ? `Already submitted as ${shortId(jobId)}.` : `Submitted ${kind} ${shortId(jobId)}.`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className={styles.form} onSubmit={submit} noValidate>
      <div className={styles.field}>
        <label htmlFor={`${id}-kind`}>Kind</label>
        <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          {KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
      </div>
      {kind === "canary" && (
        <>
          <IntegerField
            id={`${id}-steps`}
            label="Steps"
            range={CANARY.steps}
            step={1}
            value={steps}
            onChange={setSteps}
            invalid={stepsValue === undefined}
          />
          <IntegerField
            id={`${id}-stepms`}
            label="Step duration (ms)"
            range={CANARY.stepMs}
            step={50}
            value={stepMs}
            onChange={setStepMs}
            invalid={stepMsValue === undefined}
          />
        </>
      )}
      <div className={styles.submit}>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? "Submitting…" : "Submit job"}
        </button>
      </div>
      <div className={styles.feedback}>
        <p role="status" className={styles.notice}>
          {notice}
        </p>
        {error && (
          <p role="alert" className={styles.error}>
            {error}
          </p>
        )}
      </div>
    </form>
  );
});

/** A labelled whole-number input with its allowed range shown as a hint. */
function IntegerField(props: {
  id: string;
  label: string;
  range: { min: number; max: number };
  step: number;
  value: string;
  onChange: (value: string) => void;
  invalid: boolean;
}) {
  return (
    <div className={styles.field}>
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="number"
        inputMode="numeric"
        min={props.range.min}
        max={props.range.max}
        step={props.step}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={props.invalid}
        aria-describedby={`${props.id}-hint`}
      />
      <span id={`${props.id}-hint`} className={styles.hint}>
        {props.range.min}–{props.range.max.toLocaleString()}
      </span>
    </div>
  );
}
