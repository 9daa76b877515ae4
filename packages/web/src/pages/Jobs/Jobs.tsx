import { ConnectionStatus } from "../../components/ConnectionStatus/ConnectionStatus";
import { JobList } from "../../components/JobList/JobList";
import { SubmitJobForm } from "../../components/SubmitJobForm/SubmitJobForm";
import { useConnectionStatus } from "../../hooks/useFerry";
import { useJobAnnouncements } from "../../hooks/useJobAnnouncements";
import { useMyJobs } from "../../hooks/useMyJobs";
import type { ConnectionSettings } from "../../services/settings";
import styles from "./Jobs.module.css";

const SOURCE: Record<ConnectionSettings["source"], string> = {
  saved: "pasted this session",
  env: "build settings",
  outputs: "local stack",
};

/** The dashboard's first page: connection state, a submit form and the caller's jobs, live. */
export function Jobs({ settings, onChangeConnection }: { settings: ConnectionSettings; onChangeConnection(): void }) {
  const { jobs, listed } = useMyJobs();
  const status = useConnectionStatus();
  const announcement = useJobAnnouncements();

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

      <main className={styles.main}>
        <section className={styles.section} aria-labelledby="submit-heading">
          <h2 id="submit-heading" className={styles.heading}>
            Submit a job
          </h2>
          <SubmitJobForm />
        </section>

        <section className={styles.section} aria-labelledby="jobs-heading">
          <h2 id="jobs-heading" className={styles.heading}>
            My jobs
          </h2>
          <JobList jobs={jobs} loading={!listed && status.state !== "closed" && status.state !== "unauthorized"} />
          <p role="status" className="visually-hidden">
            {announcement}
          </p>
        </section>
      </main>
    </div>
  );
}
