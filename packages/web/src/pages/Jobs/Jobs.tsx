import { JobList } from "../../components/JobList/JobList";
import { SubmitJobForm } from "../../components/SubmitJobForm/SubmitJobForm";
import { useConnectionStatus } from "../../hooks/useFerry";
import { useJobAnnouncements } from "../../hooks/useJobAnnouncements";
import { useMyJobs } from "../../hooks/useMyJobs";
import styles from "../page.module.css";

/** A submit form and the caller's jobs, live. */
export function Jobs() {
  const { jobs, listed } = useMyJobs();
  const status = useConnectionStatus();
  const announcement = useJobAnnouncements();

  return (
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
  );
}
