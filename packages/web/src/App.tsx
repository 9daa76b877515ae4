import { useCallback, useEffect, useMemo, useState } from "react";
import { ConnectForm } from "./components/ConnectForm/ConnectForm";
import { Shell } from "./components/Shell/Shell";
import { FerryProvider } from "./hooks/useFerry";
import { useRoute } from "./hooks/useRoute";
import { UploadsProvider } from "./hooks/useUploads";
import { Ask } from "./pages/Ask/Ask";
import { Documents } from "./pages/Documents/Documents";
import { FinOps } from "./pages/FinOps/FinOps";
import { Jobs } from "./pages/Jobs/Jobs";
import {
  browserDeps,
  configuredUrl,
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

/**
 * Finds the API (what the user pasted, build variables, the local stack's
 * /outputs.json, else asks), then shows the page the URL's hash names.
 */
export function App() {
  const deps = useMemo(browserDeps, []);
  const [phase, setPhase] = useState<Phase>({ kind: "discovering" });
  const route = useRoute();

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
        configuredUrl={configuredUrl(deps.env)}
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
      <UploadsProvider>
        <Shell
          settings={settings}
          route={route}
          onChangeConnection={() => setPhase({ kind: "form", initial: settings, previous: settings })}
        >
          {route === "documents" ? <Documents /> : route === "ask" ? <Ask /> : route === "finops" ? <FinOps /> : <Jobs />}
        </Shell>
      </UploadsProvider>
    </FerryProvider>
  );
}
