import { useState } from "react";
import type { EntryDetail, OrderDetail, UserInfo } from "../../backend";
import { useAction, useBackend, useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { EntryView } from "./EntryView";
import { Marked } from "./Marked";

/**
 * On an order: the knowledge entries that may fix it (its machines' models first, then by its
 * description), the one marked as the fix, and turning a repair no entry covers into a draft.
 */
export function SolutionsPanel({ order, directory }: { order: OrderDetail; directory: UserInfo[] }) {
  const backend = useBackend();
  const { t } = useI18n();
  const solutions = useLoad((b) => b.possibleSolutions(order.id), [order.id, order.events.length]);
  const { error, run } = useAction();
  const [openId, setOpenId] = useState<string | null>(null);
  const [drafted, setDrafted] = useState<EntryDetail | null>(null);
  const s = solutions.data;
  return (
    <section className="solutions" aria-label={t("kb.possibleSolutions")} data-testid="solutions">
      <h3>{t("kb.possibleSolutions")}</h3>
      <ErrorNote error={solutions.error ?? error} />
      {s?.fixed_with && (
        <p className="fixed-with" data-testid="fixed-with">
          ✓ {t("kb.fixedWith")} <button className="link" onClick={() => setOpenId(s.fixed_with?.id ?? null)}><Marked segments={s.fixed_with.title} /></button>
        </p>
      )}
      {s && s.candidates.length === 0 && !s.fixed_with && <p className="muted">{t("kb.noSolutions")}</p>}
      <ul className="kb-hits">
        {(s?.candidates ?? []).map((h) => (
          <li key={h.id}>
            <button className="hit" onClick={() => setOpenId(openId === h.id ? null : h.id)}>
              <strong>{h.fault_code && !h.title.map((x) => x.text).join("").startsWith(h.fault_code) && <span className="code">{h.fault_code}</span>} <Marked segments={h.title} /></strong>
              <span className="snippet"><Marked segments={h.snippet} /></span>
              {h.fixes > 0 && <span className="muted">{t("kb.fixedCount", { n: h.fixes })}</span>}
            </button>
            {s?.can_mark && (
              <button className="primary" onClick={() => void run(async () => { await backend.markFixedWith(order.id, h.id); solutions.reload(); })}>
                {t("kb.markFixed")}
              </button>
            )}
          </li>
        ))}
      </ul>
      {openId && <EntryView key={openId} id={openId} directory={directory} onChanged={() => solutions.reload()} />}
      {s?.can_draft && !drafted && (
        <button onClick={() => void run(async () => setDrafted(await backend.draftEntryFromOrder(order.id)))}>{t("kb.turnIntoEntry")}</button>
      )}
      {drafted && <p className="notice" data-testid="drafted">{t("kb.drafted", { title: drafted.content.title })}</p>}
    </section>
  );
}
