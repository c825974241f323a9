import { useState } from "react";
import type { LevelView, LocationView, PartView, StockTakeLine } from "../../backend";
import { useAction, useBackend, useSyncStatus } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { Choice, partChoices } from "../../shared/FormParts";

/** A count sheet for one location: the parts known there (more can be added), a counted
 * quantity per part; applying it records each difference as an adjustment, all or nothing.
 * Parts left blank are not counted. */
export function StockTake({ location, levels, parts, onDone }: { location: LocationView; levels: LevelView[]; parts: PartView[]; onDone: () => void }) {
  const backend = useBackend();
  const { t, formatShort } = useI18n();
  const sync = useSyncStatus();
  const [extra, setExtra] = useState<string[]>([]);
  const [counts, setCounts] = useState<Record<string, string>>({});
  const [note, setNote] = useState("");
  const [result, setResult] = useState<StockTakeLine[] | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const { error, run } = useAction();
  const rows: { part_id: string; sku: string; name: string; level: number; unit: string }[] = [
    ...levels.map((l) => ({ part_id: l.part_id, sku: l.sku, name: l.name_zh, level: l.level, unit: l.unit })),
    ...extra.flatMap((id) => {
      const p = parts.find((x) => x.id === id);
      return p ? [{ part_id: p.id, sku: p.sku, name: p.name_zh, level: 0, unit: p.unit }] : [];
    }),
  ];
  const addable = parts.filter((p) => !rows.some((r) => r.part_id === p.id));
  const apply = async () => {
    setInvalid(null);
    const entered = rows.filter((r) => (counts[r.part_id] ?? "").trim() !== "");
    const bad = entered.find((r) => !/^\d+$/.test(counts[r.part_id].trim()));
    if (bad) {
      setInvalid(t("countWholeNumber", { sku: bad.sku }));
      return;
    }
    if (entered.length === 0) {
      setInvalid(t("countSomething"));
      return;
    }
    const ok = await run(async () => {
      setResult(await backend.stockTake(location.id, entered.map((r) => ({ part_id: r.part_id, counted: Number(counts[r.part_id].trim()) })), note));
    });
    if (ok) {
      setCounts({});
      setExtra([]);
      setNote("");
      onDone();
    }
  };
  return (
    <section className="stock-take" aria-label={t("stockTake")}>
      <h3>{t("stockTakeAt", { location: location.name })}</h3>
      <p className="muted" data-testid="count-basis">
        {sync?.last_sync_at ? t("countBasis", { time: formatShort(sync.last_sync_at) }) : t("countBasisNeverSynced")}
      </p>
      <table className="orders" aria-label={t("countSheet")}>
        <thead>
          <tr>
            <th>SKU</th>
            <th>{t("part")}</th>
            <th className="num">{t("knownLevel")}</th>
            <th className="num">{t("counted")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.part_id}>
              <td className="mono">{r.sku}</td>
              <td>{r.name}</td>
              <td className="num">
                {r.level} {r.unit}
              </td>
              <td className="num">
                <input className="mini-input" inputMode="numeric" aria-label={t("countedOf", { sku: r.sku })} value={counts[r.part_id] ?? ""} onChange={(e) => setCounts({ ...counts, [r.part_id]: e.target.value })} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="line-form">
        <Choice label={t("addToCount")} value="" onChange={(v) => v && setExtra([...extra, v])} options={partChoices(addable)} blank="—" />
        <label>
          {t("movementNote")}
          <input aria-label={t("stockTakeNote")} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <button className="primary" onClick={apply}>
          {t("applyCount")}
        </button>
      </div>
      {invalid && (
        <div className="error" role="alert">
          {invalid}
        </div>
      )}
      <ErrorNote error={error} />
      {result && (
        <table className="orders" aria-label={t("stockTakeResult")}>
          <thead>
            <tr>
              <th>SKU</th>
              <th className="num">{t("knownLevel")}</th>
              <th className="num">{t("counted")}</th>
              <th className="num">{t("adjustment")}</th>
            </tr>
          </thead>
          <tbody>
            {result.map((l) => (
              <tr key={l.part_id}>
                <td className="mono">{l.sku}</td>
                <td className="num">{l.was}</td>
                <td className="num">{l.counted}</td>
                <td className="num">{l.adjustment === 0 ? t("countAgreed") : l.adjustment > 0 ? `+${l.adjustment}` : l.adjustment}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
