import { useCallback, useEffect, useMemo, useState } from "react";
import { ConnectForm } from "./components/ConnectForm/ConnectForm";
import { FerryProvider } from "./hooks/useFerry";
import { Jobs } from "./pages/Jobs/Jobs";
import {
  browserDeps,
  discoverSettings,
  forgetSettings,
  saveSettings,
  type ConnectionSettings,
  type PartialSettings,
} from "./services/settings";

type Phase =
  | { kind: "discovering" }
  | { kind: "ready"; settings: ConnectionSettings }
  | { kind: "form"; initial: PartialSettings; previous?: ConnectionSettings };

/** Finds the API (build variables, then the local stack's /outputs.json, then the user), then shows the jobs page. */
export function App() {
  const deps = useMemo(browserDeps, []);
  const [phase, setPhase] = useState<Phase>({ kind: "discovering" });

  const discover = useCallback(() => {
    let current = true;
    setPhase({ kind: "discovering" });
    void discoverSettings(deps).then((found) => {
      if (!current) return;
      setPhase(found.settings ? { kind: "ready", settings: found.settings } : { kind: "form", initial: found.partial });
    });
    return () => {
      current = false;
    };
  }, [deps]);

  useEffect(() => discover(), [discover]);

  if (phase.kind === "discovering") {
    return (
      <main className="app-message">
        <p role="status">Looking for the Ferry API…</p>
      </main>
    );
  }

  if (phase.kind === "form") {
    const { previous } = phase;
    return (
      <ConnectForm
        initial={phase.initial}
        onConnect={(settings) => {
          saveSettings(deps.storage, settings);
          setPhase({ kind: "ready", settings: { ...settings, source: "saved" } });
        }}
        onCancel={previous ? () => setPhase({ kind: "ready", settings: previous }) : undefined}
        onUseDefaults={
          previous?.source === "saved"
            ? () => {
                forgetSettings(deps.storage);
                discover();
              }
            : undefined
        }
      />
    );
  }

  const { settings } = phase;
  return (
    <FerryProvider key={`${settings.url}\n${settings.token}`} settings={settings}>
      <Jobs
        settings={settings}
        onChangeConnection={() => setPhase({ kind: "form", initial: settings, previous: settings })}
      />
    </FerryProvider>
  );
}
