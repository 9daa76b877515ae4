import { useId, useState, type FormEvent } from "react";
import { isWebSocketUrl, type PartialSettings } from "../../services/settings";
import styles from "./ConnectForm.module.css";

export interface ConnectFormProps {
  initial: PartialSettings;
  /**
   * The URL the build configured (`VITE_FERRY_WS_URL`): the form then asks only
   * for a token, with the URL tucked away under "Use another API".
   */
  configuredUrl?: string;
  onConnect(settings: { url: string; token: string }): void;
  /** Back to the settings in use, when there are some. */
  onCancel?: () => void;
  /** Forget what was pasted and find the API again. */
  onUseDefaults?: () => void;
}

/** Asks for the WebSocket URL and a token when the dashboard could not find them itself. */
export function ConnectForm({ initial, configuredUrl, onConnect, onCancel, onUseDefaults }: ConnectFormProps) {
  const id = useId();
  const [url, setUrl] = useState(initial.url ?? configuredUrl ?? "");
  const [token, setToken] = useState(initial.token ?? "");
  const [error, setError] = useState<string>();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmedUrl = url.trim();
    const trimmedToken = token.trim();
    if (!isWebSocketUrl(trimmedUrl)) return setError("The URL must start with ws:// or wss://.");
    if (!trimmedToken) {
      return setError(configuredUrl ? "Paste a token to connect." : "Paste a token (offline: `npm run token -- <user>`).");
    }
    setError(undefined);
    onConnect({ url: trimmedUrl, token: trimmedToken });
  };

  const urlField = (
    <>
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
    </>
  );

  return (
    <main className={styles.page}>
      <form className={styles.form} onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <h1 id={`${id}-title`}>Connect to Ferry</h1>
        {configuredUrl ? (
          <p className={styles.intro}>
            This dashboard talks to <code>{configuredUrl}</code>. Paste a token (a JWT from your sign-in provider) to
            connect.
          </p>
        ) : (
          <p className={styles.intro}>
            No API address was configured for this dashboard. With the offline stack running (<code>npm start</code>),
            its address and a dev token are printed in the terminal and written to <code>.local/outputs.json</code>.
          </p>
        )}
        {configuredUrl ? (
          <details className={styles.other}>
            <summary>Use another API</summary>
            {urlField}
          </details>
        ) : (
          urlField
        )}
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
          autoFocus={configuredUrl !== undefined}
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
