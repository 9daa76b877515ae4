import type { JobState } from "@ferry/core/client";
import { JobCard } from "../JobCard/JobCard";
import styles from "./JobList.module.css";

/** The caller's jobs, newest first. */
export function JobList({ jobs, loading }: { jobs: readonly JobState[]; loading: boolean }) {
  if (jobs.length === 0) {
    return <p className={styles.empty}>{loading ? "Loading your jobs…" : "No jobs yet. Submit one above."}</p>;
  }
  return (
    <ul className={styles.list}>
      {jobs.map((job) => (
        <li key={job.jobId}>
          <JobCard job={job} />
        </li>
      ))}
    </ul>
  );
}
