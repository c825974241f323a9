// Parts statistics: consumption, stock value, slow movers and requests, as bar charts.
import { useCallback, useMemo, useState } from "react";
import type { RequestStatus, TableFormat, Tally, UserInfo } from "../../backend";
import { formatMoney } from "../../format";
import { useAction, useBackend, useLoad, userName } from "../../context";
import { useI18n } from "../../i18n";
import { savedLink } from "../../files";
import { ErrorNote } from "../../shared/ErrorNote";
import { DateRange, SavedNotice } from "../../shared/FormParts";
import { Chart, barsHeight, barsOption } from "../../shared/Chart";

/** A horizontal bar chart of tallies (largest first). */
function Bars({ title, rows, format = String }: { title: string; rows: Tally[]; format?: (v: number) => string }) {
  const option = useMemo(() => barsOption(rows.map((r) => ({ label: r.label, value: r.value })), format, { limit: 12 }), [rows, format]);
  if (rows.length === 0) {
    return (
      <figure className="chart" aria-label={title}>
        <figcaption>{title}</figcaption>
        <p className="muted">—</p>
      </figure>
    );
  }
  return <Chart option={option} label={title} height={barsHeight(rows.length, 12)} />;
}

/** Consumption, stock value, slow movers and requests over a period, with exports. */
export function PartsStatistics({ directory }: { directory: UserInfo[] }) {
  const backend = useBackend();
  const { t, lang } = useI18n();
  const today = new Date();
  const iso = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  const [from, setFrom] = useState(iso(new Date(today.getFullYear(), today.getMonth(), 1)));
  const [to, setTo] = useState(iso(today));
  const range = (): [number, number] => [new Date(`${from}T00:00:00`).getTime(), new Date(`${to}T00:00:00`).getTime() + 86_400_000];
  const stats = useLoad((b) => b.partsStatistics(...range()), [from, to]);
  const [saved, setSaved] = useState<{ path: string; href: string } | null>(null);
  const { error, run } = useAction();
  const s = stats.data;
  const money = useCallback((v: number) => formatMoney(v, "CNY", lang), [lang]);
  const exportAs = (format: TableFormat) =>
    run(async () => {
      setSaved(savedLink(await backend.exportPartsStatistics(...range(), format), format));
    });
  return (
    <section aria-label={t("partsStatistics")}>
      <div className="filters toolbar">
        <DateRange from={from} to={to} onFrom={setFrom} onTo={setTo} />
        <button onClick={() => exportAs("csv")}>{t("exportCsv")}</button>
        <button onClick={() => exportAs("xlsx")}>{t("exportXlsx")}</button>
      </div>
      {saved && <SavedNotice saved={saved} testId="stats-exported" />}
      <ErrorNote error={error ?? stats.error} />
      {s && (
        <div className="charts">
          <Bars title={t("stats.byPart")} rows={s.by_part} />
          <Bars title={t("stats.byTechnician")} rows={s.by_technician.map((r) => ({ ...r, label: userName(directory, r.key) }))} />
          <Bars title={t("stats.byCustomer")} rows={s.by_customer} />
          <Bars title={t("stats.byMonth")} rows={s.by_month} />
          <Bars title={t("stats.stockValue")} rows={s.stock_value} format={money} />
          <Bars title={t("stats.slowMovers")} rows={s.slow_movers} />
          <Bars title={t("stats.requests")} rows={s.requests_by_status.map((r) => ({ ...r, label: t(`requestStatus.${r.key as RequestStatus}`) }))} />
          <p data-testid="turnaround">{s.mean_turnaround_hours === null ? t("stats.noTurnaround") : t("stats.turnaround", { h: s.mean_turnaround_hours.toFixed(1) })}</p>
        </div>
      )}
    </section>
  );
}
