import { memo, useEffect, useId, useState } from "react";
import { formatMoney, type FinopsView } from "../../utils/finops";
import { resultFile } from "../../utils/job-result";
import { Markdown } from "../Markdown/Markdown";
import styles from "./FinopsReport.module.css";

export interface FinopsReportProps {
  report: FinopsView;
  /** The whole result as received, offered for download. */
  raw: unknown;
  /** Names the downloaded file. */
  fileStem: string;
}

/**
 * A FinOps analysis for reading: headline totals, the recommendations ranked
 * by estimated monthly saving, the written report (markdown, rendered without
 * HTML), and the full JSON result to download.
 */
export const FinopsReport = memo(function FinopsReport({ report, raw, fileStem }: FinopsReportProps) {
  const id = useId();
  const download = useObjectUrl(raw);
  const ranked = report.recommendations;
  const totalSaving = ranked.reduce((sum, r) => sum + (r.monthlySaving ?? 0), 0);
  const hasSavings = ranked.some((r) => r.monthlySaving !== undefined);

  return (
    <div className={styles.report}>
      {report.dataset && <p className={styles.muted}>Data: {report.dataset}</p>}
      {report.totals.length > 0 && (
        <dl className={styles.totals} aria-label="Totals">
          {report.totals.map((t) => (
            <div key={t.label} className={styles.total}>
              <dt>{t.label}</dt>
              <dd>{formatMoney(t.value, t.currency)}</dd>
            </div>
          ))}
        </dl>
      )}

      <section aria-labelledby={`${id}-recs`} className={styles.block}>
        <h3 id={`${id}-recs`} className={styles.heading}>
          Recommendations
        </h3>
        {ranked.length === 0 ? (
          <p className={styles.muted}>The analysis made no recommendations.</p>
        ) : (
          <div className={styles.tableWrap} role="region" aria-labelledby={`${id}-recs`} tabIndex={0}>
            <table className={styles.table}>
              <caption className="visually-hidden">Recommendations, ranked by estimated monthly saving</caption>
              <thead>
                <tr>
                  <th scope="col" className={styles.num}>
                    Rank
                  </th>
                  <th scope="col">Recommendation</th>
                  <th scope="col" className={styles.num}>
                    Estimated monthly saving
                  </th>
                </tr>
              </thead>
              <tbody>
                {ranked.map((r) => (
                  <tr key={r.rank}>
                    <td className={styles.num}>{r.rank}</td>
                    <th scope="row" className={styles.rec}>
                      <span className={styles.title}>{r.title}</span>
                      {r.detail && <span className={styles.detail}>{r.detail}</span>}
                      {r.tags.length > 0 && <span className={styles.tags}>{r.tags.join(" · ")}</span>}
                    </th>
                    <td className={styles.num}>
                      {r.monthlySaving !== undefined ? (
                        formatMoney(r.monthlySaving, r.currency)
                      ) : (
                        <>
                          <span aria-hidden="true">—</span>
                          <span className="visually-hidden">none directly</span>
                          {r.spendAtRisk !== undefined && (
                            <span className={styles.detail}>{formatMoney(r.spendAtRisk, r.currency)} a month concerned</span>
                          )}
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
              {hasSavings && (
                <tfoot>
                  <tr>
                    <td />
                    <th scope="row">Total</th>
                    <td className={styles.num}>{formatMoney(totalSaving, report.currency)}</td>
                  </tr>
                </tfoot>
              )}
            </table>
          </div>
        )}
      </section>

      {report.warnings.length > 0 && (
        <section aria-labelledby={`${id}-warn`} className={styles.warnings}>
          <h3 id={`${id}-warn`} className={styles.warningsHeading}>
            About the data
          </h3>
          <ul>
            {report.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </section>
      )}

      {report.response && (
        <section aria-labelledby={`${id}-text`} className={styles.block}>
          <h3 id={`${id}-text`} className={styles.heading}>
            Report
          </h3>
          <Markdown text={report.response} headingLevel={4} className={styles.markdown} />
        </section>
      )}

      <p className={styles.actions}>
        {download && (
          <a className="button" href={download} download={`${fileStem}.json`}>
            Download the full result (JSON)
          </a>
        )}
        {report.model && (
          <span className={styles.muted}>
            {report.narrativeByLanguageModel === false ? "Narrative from a template, no language model: " : "Narrative by "}
            <span className={styles.model}>{report.model}</span>
          </span>
        )}
      </p>
    </div>
  );
});

/** An object URL for `value` as a JSON file, revoked when the value changes or the report goes. */
function useObjectUrl(value: unknown): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    const next = URL.createObjectURL(resultFile(value));
    setUrl(next);
    return () => URL.revokeObjectURL(next);
  }, [value]);
  return url;
}
