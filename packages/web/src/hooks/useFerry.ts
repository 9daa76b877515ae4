import { createContext, createElement, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import type { ConnectionStatus, FerryClient } from "@ferry/core/client";
import { createFerryClient } from "../services/api";
import type { ConnectionSettings } from "../services/settings";

const FerryContext = createContext<FerryClient | null>(null);

/**
 * Provides one {@link FerryClient} to the tree and owns its lifetime: it
 * connects on mount and closes on unmount. Give it a `key` derived from the
 * settings so that new settings mean a new client.
 */
export function FerryProvider({ settings, children }: { settings: Pick<ConnectionSettings, "url" | "token">; children: ReactNode }) {
  const [client] = useState(() => createFerryClient(settings));
  useEffect(() => {
    client.connect();
    return () => client.close();
  }, [client]);
  return createElement(FerryContext.Provider, { value: client }, children);
}

/** The client provided by the nearest {@link FerryProvider}. */
export function useFerry(): FerryClient {
  const client = useContext(FerryContext);
  if (!client) throw new Error("useFerry() must be used inside <FerryProvider>");
  return client;
}

/** The connection status, re-rendering on every change. */
export function useConnectionStatus(): ConnectionStatus {
  const client = useFerry();
  return useSyncExternalStore(
    (onChange) => client.onStatus(onChange),
    () => client.status,
  );
}
