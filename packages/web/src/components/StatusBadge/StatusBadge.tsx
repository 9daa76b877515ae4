import type { Tone } from "../../utils/format";
import styles from "./StatusBadge.module.css";

/** A small coloured label; colour is never the only signal, the text always says it too. */
export function StatusBadge({ tone, children }: { tone: Tone; children: string }) {
  return <span className={`${styles.badge} ${styles[tone] ?? ""}`}>{children}</span>;
}
