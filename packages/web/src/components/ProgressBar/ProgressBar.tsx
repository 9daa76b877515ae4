import type { Tone } from "../../utils/format";
import styles from "./ProgressBar.module.css";

/** A 0–100 progress bar exposed to assistive technology as a `progressbar`. */
export function ProgressBar({ value, label, tone = "busy" }: { value: number; label: string; tone?: Tone }) {
  const clamped = Math.min(100, Math.max(0, Math.round(value)));
  return (
    <div
      className={styles.track}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={clamped}
    >
      <div className={`${styles.fill} ${styles[tone] ?? ""}`} style={{ width: `${clamped}%` }} />
    </div>
  );
}
