import { useState } from "react";
import type { EntryContent, EntryDetail, EntryKind } from "../../backend";
import { ORDER_TYPES } from "../../backend";
import { useAction, useBackend, useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";

const lines = (s: string) => s.split("\n");
const words = (s: string) => s.split(/[,，、]/);

/** Write or edit an article or fault entry. The device checks every field (and the Markdown). */
export function EntryEditor({ kind, entry, canPublish, initial, onSaved, onCancel }: { kind: EntryKind; entry?: EntryDetail; canPublish: boolean; initial?: EntryContent; onSaved: (e: EntryDetail) => void; onCancel: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const { error, run } = useAction();
  const start = entry?.content ?? initial;
  const [title, setTitle] = useState(start?.title ?? "");
  const [body, setBody] = useState(start?.body ?? "");
  const [tags, setTags] = useState(start?.tags.join(", ") ?? "");
  const [models, setModels] = useState(start?.models.join(", ") ?? "");
  const [types, setTypes] = useState<string[]>(start?.order_types ?? []);
  const [faultCode, setFaultCode] = useState(start?.fault_code ?? "");
  const [symptom, setSymptom] = useState(start?.symptom ?? "");
  const [causes, setCauses] = useState(start?.causes.join("\n") ?? "");
  const [steps, setSteps] = useState(start?.steps.join("\n") ?? "");
  const [parts, setParts] = useState<string[]>(start?.parts ?? []);
  const catalogue = useLoad((b) => b.listParts(null), []);
  const content = (): EntryContent => ({
    title,
    body,
    tags: words(tags),
    models: words(models),
    order_types: ORDER_TYPES.filter((o) => types.includes(o)),
    fault_code: faultCode,
    symptom,
    causes: lines(causes),
    steps: lines(steps),
    parts,
  });
  const save = (publish: boolean) => {
    let saved: EntryDetail | null = null;
    void run(async () => {
      saved = entry ? await backend.updateEntry(entry.id, content()) : await backend.createEntry(kind, content(), publish);
    }).then((ok) => ok && saved && onSaved(saved));
  };
  const fault = (entry?.kind ?? kind) === "fault";
  return (
    <form className="entry-editor" onSubmit={(e) => e.preventDefault()} aria-label={t(entry ? "kb.edit" : fault ? "kb.newFault" : "kb.newArticle")}>
      <h2>{entry ? `${t("kb.edit")}: ${entry.content.title}` : t(fault ? "kb.newFault" : "kb.newArticle")}</h2>
      <label>
        {t("kb.title")}
        <input value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      {fault && (
        <>
          <label>
            {t("kb.faultCode")}
            <input value={faultCode} onChange={(e) => setFaultCode(e.target.value)} />
          </label>
          <label>
            {t("kb.symptom")}
            <textarea value={symptom} onChange={(e) => setSymptom(e.target.value)} rows={2} />
          </label>
          <label>
            {t("kb.causes")} <span className="muted">{t("kb.onePerLine")}</span>
            <textarea value={causes} onChange={(e) => setCauses(e.target.value)} rows={3} />
          </label>
          <label>
            {t("kb.steps")} <span className="muted">{t("kb.onePerLine")}</span>
            <textarea value={steps} onChange={(e) => setSteps(e.target.value)} rows={4} />
          </label>
          <label>
            {t("kb.parts")}
            <select multiple value={parts} onChange={(e) => setParts(Array.from(e.target.selectedOptions, (o) => o.value))} size={Math.min(6, Math.max(2, catalogue.data?.length ?? 2))}>
              {(catalogue.data ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.sku} {p.name_zh} {p.name_en}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      <label>
        {fault ? t("kb.notes") : t("kb.body")} <span className="muted">{t("kb.markdownHint")}</span>
        <textarea value={body} onChange={(e) => setBody(e.target.value)} rows={fault ? 4 : 12} />
      </label>
      <label>
        {t("kb.models")} <span className="muted">{t("kb.commaSeparated")}</span>
        <input value={models} onChange={(e) => setModels(e.target.value)} />
      </label>
      <label>
        {t("kb.tags")} <span className="muted">{t("kb.commaSeparated")}</span>
        <input value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      <fieldset className="checks">
        <legend>{t("kb.orderTypes")}</legend>
        {ORDER_TYPES.map((o) => (
          <label key={o} className="check">
            <input type="checkbox" checked={types.includes(o)} onChange={(e) => setTypes((ts) => (e.target.checked ? [...ts, o] : ts.filter((x) => x !== o)))} />
            {t(`type.${o}`)}
          </label>
        ))}
      </fieldset>
      <ErrorNote error={error} />
      <div className="actions">
        <button type="button" className="primary" onClick={() => save(false)}>
          {entry ? t("save") : t("kb.saveDraft")}
        </button>
        {!entry && canPublish && (
          <button type="button" onClick={() => save(true)}>
            {t("kb.saveAndPublish")}
          </button>
        )}
        <button type="button" onClick={onCancel}>
          {t("cancel")}
        </button>
      </div>
    </form>
  );
}
