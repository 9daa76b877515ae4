import { useId, useState, type FormEvent } from "react";
import { isWebSocketUrl, type PartialSettings } from "../../services/settings";
import styles from "./ConnectForm.module.css";

export interface ConnectFormProps {
  initial: PartialSettings;
  onConnect(settings: { url: string; token: string }): void;
  /** Back to the settings in use, when there are some. */
  onCancel?: () => void;
  /** Forget what was pasted and find the API again. */
  onUseDefaults?: () => void;
}

/** Asks for the WebSocket URL and a token when the dashboard could not find them itself. */
export function ConnectForm({ initial, onConnect, onCancel, onUseDefaults }: ConnectFormProps) {
  const id = useId();
  const [url, setUrl] = useState(initial.url ?? "");
  const [token, setToken] = useState(initial.token ?? "");
  const [error, setError] = useState<string>();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmedUrl = url.trim();
    const trimmedToken = token.trim();
    if (!isWebSocketUrl(trimmedUrl)) return setError("The URL must start with ws:// or wss://.");
    if (!trimmedToken) return setError("Paste a token (offline: `npm run token -- <user>`).");
    setError(undefined);
    onConnect({ url: trimmedUrl, token: trimmedToken });
  };

  return (
    <main className={styles.page}>
      <form className={styles.form} onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <h1 id={`${id}-title`}>Connect to Ferry</h1>
        <p className={styles.intro}>
          No API address was configured for this dashboard. With the offline stack running (<code>npm start</code>), its
          address and a dev token are printed in the terminal and written to <code>.local/outputs.json</code>.
        </p>
        <label htmlFor={`${id}-url`}>WebSocket URL</label>
        <input
          id={`${id}-url`}
          type="url"
          inputMode="url"
          placeholder="ws://127.0.0.1:3001/local"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          required
          aria-invalid={error !== undefined && !isWebSocketUrl(url.trim())}
        />
        <label htmlFor={`${id}-token`}>Token</label>
        <textarea
          id={`${id}-token`}
          rows={4}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          required
          aria-invalid={error !== undefined && !token.trim()}
          aria-describedby={`${id}-token-hint`}
        />
        <p id={`${id}-token-hint`} className={styles.hint}>
          Kept for this browser session only.
        </p>
        {error && (
          <p role="alert" className={styles.error}>
            {error}
          </p>
        )}
        <div className={styles.actions}>
          <button type="submit" className="button button-primary">
            Connect
          </button>
          {onCancel && (
            <button type="button" className="button" onClick={onCancel}>
              Cancel
            </button>
          )}
          {onUseDefaults && (
            <button type="button" className="button" onClick={onUseDefaults}>
              Use the configured API
            </button>
          )}
        </div>
      </form>
    </main>
  );
}
