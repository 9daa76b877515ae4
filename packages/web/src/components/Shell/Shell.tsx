import { useEffect, type ReactNode } from "react";
import { routeHref, type Route } from "../../hooks/useRoute";
import type { ConnectionSettings } from "../../services/settings";
import { ConnectionStatus } from "../ConnectionStatus/ConnectionStatus";
import styles from "./Shell.module.css";

const SOURCE: Record<ConnectionSettings["source"], string> = {
  saved: "pasted this session",
  env: "build settings",
  outputs: "local stack",
};

const PAGES: Array<{ route: Route; label: string }> = [
  { route: "jobs", label: "Jobs" },
  { route: "documents", label: "Documents" },
  { route: "ask", label: "Ask" },
  { route: "finops", label: "FinOps" },
];

/** What every page shares: the API in use, the connection's state, and the navigation between pages. */
export function Shell({
  settings,
  route,
  onChangeConnection,
  children,
}: {
  settings: ConnectionSettings;
  route: Route;
  onChangeConnection(): void;
  children: ReactNode;
}) {
  const current = PAGES.find((p) => p.route === route)!;
  useEffect(() => {
    document.title = `Ferry — ${current.label.toLowerCase()}`;
  }, [current]);

  return (
    <div className={styles.page}>
      <header className={styles.header}>
        <div>
          <h1 className={styles.title}>Ferry</h1>
          <p className={styles.endpoint}>
            <span className="visually-hidden">API: </span>
            <code>{settings.url}</code> <span className={styles.source}>({SOURCE[settings.source]})</span>
          </p>
        </div>
        <ConnectionStatus onChangeConnection={onChangeConnection} />
      </header>
      <nav className={styles.nav} aria-label="Pages">
        {PAGES.map((page) => (
          <a key={page.route} href={routeHref[page.route]} aria-current={page.route === route ? "page" : undefined}>
            {page.label}
          </a>
        ))}
      </nav>
      {children}
    </div>
  );
}
