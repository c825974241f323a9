import { useState } from "react";
import type { KnowledgeImport, PickedFile } from "../../backend";
import { useAction, useBackend } from "../../context";
import { readBase64 } from "../../files";
import { useI18n } from "../../i18n";
import { ErrorNote, useErrorWords } from "../../shared/ErrorNote";

/**
 * Import a library: Markdown files with front matter, PDFs and pictures, a whole folder, or
 * ZIPs. The device checks every file; with any problem nothing is imported and each file's
 * problem is listed.
 */
export function ImportPanel({ canPublish, onImported }: { canPublish: boolean; onImported: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const words = useErrorWords();
  const { error, run } = useAction();
  const [publish, setPublish] = useState(canPublish);
  const [report, setReport] = useState<KnowledgeImport | null>(null);
  const pick = (list: FileList | null) => {
    const files = Array.from(list ?? []);
    if (files.length === 0) return;
    setReport(null);
    void run(async () => {
      const picked: PickedFile[] = [];
      for (const f of files) picked.push({ path: f.webkitRelativePath || f.name, data_base64: await readBase64(f) });
      const r = await backend.importKnowledge(picked, publish);
      setReport(r);
      if (r.problems.length === 0) onImported();
    });
  };
  return (
    <section className="kb-import" aria-label={t("kb.import")}>
      <p className="muted">{t("kb.importHint")}</p>
      <div className="actions">
        <label className="file-pick">
          {t("kb.importFiles")}
          <input type="file" multiple accept=".md,.markdown,.zip,.pdf,image/jpeg,image/png,image/webp" onChange={(e) => { pick(e.target.files); e.target.value = ""; }} />
        </label>
        <label className="file-pick">
          {t("kb.importFolder")}
          <input type="file" {...{ webkitdirectory: "" }} onChange={(e) => { pick(e.target.files); e.target.value = ""; }} />
        </label>
        {canPublish && (
          <label className="check">
            <input type="checkbox" checked={publish} onChange={(e) => setPublish(e.target.checked)} /> {t("kb.importPublished")}
          </label>
        )}
      </div>
      <ErrorNote error={error} />
      {report && report.problems.length === 0 && (
        <p className="notice" data-testid="import-done">{t("kb.imported", { n: report.created.length, files: report.attachments })}</p>
      )}
      {report && report.problems.length > 0 && (
        <div className="error" role="alert" data-testid="import-problems">
          <strong>{t("kb.importRefused")}</strong>
          <ul>
            {report.problems.map((p, i) => {
              const w = words(p.problem);
              return (
                <li key={i}>
                  <code>{p.file}</code>: {w.particular ?? w.advice}
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </section>
  );
}
