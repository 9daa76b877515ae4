import styles from "./RetryError.module.css";

/** A failure the user can act on: what went wrong, and a button to try again (a result download, say). */
export function RetryError({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <p role="alert" className={styles.error}>
      {message}{" "}
      <button type="button" className="button" onClick={onRetry}>
        Try again
      </button>
    </p>
  );
}
