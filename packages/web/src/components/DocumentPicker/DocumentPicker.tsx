import { memo, useId } from "react";
import type { DocumentView } from "@ferry/core/protocol";
import { plural } from "../../utils/files";
import styles from "./DocumentPicker.module.css";

export type DocumentScope = "all" | "some";

export interface DocumentPickerProps {
  /** Ready documents only: the others cannot be searched. */
  documents: readonly DocumentView[];
  listed: boolean;
  scope: DocumentScope;
  picked: ReadonlySet<string>;
  onScope(scope: DocumentScope): void;
  onPicked(picked: ReadonlySet<string>): void;
  disabled?: boolean;
}

/**
 * Which documents a question searches: all ready ones (the default, and what
 * most questions want), or a hand-picked few. A fieldset of radios, then
 * checkboxes, so it reads as one question to assistive technology.
 */
export const DocumentPicker = memo(function DocumentPicker({ documents, listed, scope, picked, onScope, onPicked, disabled }: DocumentPickerProps) {
  const id = useId();
  const toggle = (documentId: string, on: boolean) => {
    const next = new Set(picked);
    if (on) next.add(documentId);
    else next.delete(documentId);
    onPicked(next);
  };

  return (
    <fieldset className={styles.fieldset} disabled={disabled}>
      <legend className={styles.legend}>Documents to search</legend>
      {listed && documents.length === 0 ? (
        <p className={styles.empty}>
          No documents are ready yet. <a href="#/documents">Add PDFs on the Documents page</a>; questions can be asked meanwhile, but nothing
          will back the answers.
        </p>
      ) : !listed ? (
        <p className={styles.empty}>Loading your documents…</p>
      ) : null}
      <div className={styles.choices}>
        <label className={styles.choice}>
          <input type="radio" name={`${id}-scope`} value="all" checked={scope === "all"} onChange={() => onScope("all")} />
          All ready documents{listed ? ` (${documents.length.toLocaleString()})` : ""}
        </label>
        <label className={styles.choice}>
          <input
            type="radio"
            name={`${id}-scope`}
            value="some"
            checked={scope === "some"}
            onChange={() => onScope("some")}
            disabled={documents.length === 0}
          />
          Only the ones I pick{scope === "some" ? ` (${picked.size.toLocaleString()} picked)` : ""}
        </label>
      </div>
      {scope === "some" && documents.length > 0 && (
        <ul className={styles.list} aria-label="Documents">
          {documents.map((doc) => {
            const title = doc.title?.trim();
            return (
              <li key={doc.documentId}>
                <label className={styles.doc}>
                  <input type="checkbox" checked={picked.has(doc.documentId)} onChange={(e) => toggle(doc.documentId, e.target.checked)} />
                  <span className={styles.name}>{doc.filename}</span>
                  <span className={styles.meta}>
                    {title && title !== doc.filename ? `${title} · ` : ""}
                    {plural(doc.pages, "page")}
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
    </fieldset>
  );
});
