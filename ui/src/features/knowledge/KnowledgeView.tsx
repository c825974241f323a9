import { useState } from "react";
import type { EntryContent, EntryKind, EntryStatus, UserInfo } from "../../backend";
import { ENTRY_KINDS, ENTRY_STATUSES } from "../../backend";
import { useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { Choice } from "../../shared/FormParts";
import { EntryEditor } from "./EntryEditor";
import { EntryView } from "./EntryView";
import { ImportPanel } from "./ImportPanel";
import { Marked } from "./Marked";

/**
 * The knowledge base: one search box over articles and fault entries, searched on this
 * device (it works offline), with filters; a hit opens the entry.
 */
export function KnowledgeView({ directory, canManage, canWrite, onOpenOrder, draft }: { directory: UserInfo[]; canManage: boolean; canWrite: boolean; onOpenOrder?: (id: string) => void; draft?: { kind: EntryKind; content?: EntryContent } }) {
  const { t } = useI18n();
  const [query, setQuery] = useState("");
  const [kind, setKind] = useState("");
  const [model, setModel] = useState("");
  const [tag, setTag] = useState("");
  const [status, setStatus] = useState("");
  const [openId, setOpenId] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const [writing, setWriting] = useState<{ kind: EntryKind; content?: EntryContent } | null>(draft ?? null);
  const facets = useLoad((b) => b.knowledgeFacets(), []);
  const hits = useLoad(
    (b) => b.searchKnowledge({ query, kind: (kind || null) as EntryKind | null, model: model || null, tag: tag || null, order_type: null, status: (status || null) as EntryStatus | null, limit: 100 }),
    [query, kind, model, tag, status],
  );
  if (writing) {
    return (
      <EntryEditor kind={writing.kind} initial={writing.content} canPublish={canManage} onCancel={() => setWriting(null)} onSaved={(e) => {
          setWriting(null);
          setOpenId(e.id);
          hits.reload();
          facets.reload();
        }} />
    );
  }
  return (
    <div className="knowledge">
      <div className="kb-search">
        <input type="search" className="big" aria-label={t("kb.search")} placeholder={t("kb.searchHint")} value={query} onChange={(e) => setQuery(e.target.value)} />
        <div className="filters">
          <Choice label={t("kb.kind")} value={kind} onChange={setKind} blank={t("all")} options={ENTRY_KINDS.map((k) => ({ value: k, label: t(`kb.kind.${k}`) }))} />
          <Choice label={t("kb.model")} value={model} onChange={setModel} blank={t("all")} options={(facets.data?.models ?? []).map((m) => ({ value: m, label: m }))} />
          <Choice label={t("kb.tag")} value={tag} onChange={setTag} blank={t("all")} options={(facets.data?.tags ?? []).map((g) => ({ value: g, label: g }))} />
          {canManage && <Choice label={t("kb.statusFilter")} value={status} onChange={setStatus} blank={t("kb.workingSet")} options={ENTRY_STATUSES.map((s) => ({ value: s, label: t(`kb.status.${s}`) }))} />}
        </div>
        {canWrite && (
          <div className="actions">
            <button onClick={() => setWriting({ kind: "article" })}>{t("kb.newArticle")}</button>
            <button onClick={() => setWriting({ kind: "fault" })}>{t("kb.newFault")}</button>
            <button aria-expanded={importing} onClick={() => setImporting((i) => !i)}>{t("kb.import")}</button>
          </div>
        )}
        {canWrite && importing && <ImportPanel canPublish={canManage} onImported={() => { hits.reload(); facets.reload(); }} />}
      </div>
      <ErrorNote error={hits.error} />
      <div className="kb-body">
        <ul className="kb-hits" aria-label={t("kb.results")}>
          {(hits.data ?? []).map((h) => (
            <li key={h.id} className={h.id === openId ? "selected" : ""}>
              <button className="hit" onClick={() => setOpenId(h.id)}>
                <strong>
                  {h.fault_code && !h.title.map((x) => x.text).join("").startsWith(h.fault_code) && <span className="code">{h.fault_code}</span>} <Marked segments={h.title} />
                </strong>
                {h.status !== "published" && <span className={`badge kb-${h.status}`}>{t(`kb.status.${h.status}`)}</span>}
                <span className="snippet">
                  <Marked segments={h.snippet} />
                </span>
                <span className="muted">
                  {t(`kb.kind.${h.kind}`)}
                  {h.models.length > 0 && ` · ${h.models.join(", ")}`}
                  {h.fixes > 0 && ` · ${t("kb.fixedCount", { n: h.fixes })}`}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {hits.data?.length === 0 && <p className="muted">{query ? t("kb.nothingFound") : t("kb.empty")}</p>}
        {openId && (
          <div className="kb-entry">
            <EntryView key={openId} id={openId} directory={directory} onOpenOrder={onOpenOrder} onChanged={() => { hits.reload(); facets.reload(); }} />
          </div>
        )}
      </div>
    </div>
  );
}
