import { useMemo, useState } from "react";
import type { Bucket, Drill, Kpis, MoneyBy, MoneyGroup, NamedCount, OrderType, Stage, Statistics, StatsTable, UserInfo } from "../../backend";
import { ORDER_TYPES, toError, type BackendError } from "../../backend";
import type { Key } from "../../i18n/en";
import { useBackend, useLoad, userName } from "../../context";
import { savedLink } from "../../files";
import { formatMoney } from "../../format";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { DateRange, SavedNotice } from "../../shared/FormParts";
import { Chart, barsHeight, barsOption, type ChartOption } from "../../shared/Chart";
import { StatusBadge } from "../orders/StatusBadge";

const DAY = 24 * 3600 * 1000;
const isoDay = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
const dayStart = (day: string) => new Date(`${day}T00:00:00`).getTime();

/** Hours with one decimal, or minutes under an hour. */
function useDuration() {
  const { t } = useI18n();
  return (ms: number | null) => (ms === null ? "—" : ms < 3_600_000 ? t("minutes", { n: Math.round(ms / 60_000) }) : t("hoursShort", { h: (ms / 3_600_000).toFixed(1) }));
}

const percent = (bp: number | null) => (bp === null ? "—" : `${(bp / 100).toFixed(1)} %`);

/**
 * The supervisor's dashboard: a period's figures from the orders on this device (offline), each
 * against the period before; every number opens the list of the orders behind it.
 */
export function Dashboard({ directory, onOpen }: { directory: UserInfo[]; onOpen: (id: string) => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const [saved, setSaved] = useState<{ path: string; href: string } | null>(null);
  const [exportError, setExportError] = useState<BackendError | null>(null);
  const duration = useDuration();
  const [from, setFrom] = useState(isoDay(Date.now() - 29 * DAY));
  const [to, setTo] = useState(isoDay(Date.now()));
  const [technician, setTechnician] = useState("");
  const [project, setProject] = useState("");
  const [model, setModel] = useState("");
  const [team, setTeam] = useState("");
  const [region, setRegion] = useState("");
  const [customer, setCustomer] = useState("");
  const [orderType, setOrderType] = useState<OrderType | "">("");
  const customers = useLoad((b) => b.listCustomers(), []);
  const teams = useLoad((b) => b.teams(), []);
  const [moneyBy, setMoneyBy] = useState<MoneyBy>("customer");
  const projects = useLoad((b) => b.listProjects(null), []);
  // What a figure stands for, said again in the current language at every render.
  const [drill, setDrill] = useState<{ prefix: string; key: Key | null; orders: string[] } | null>(null);
  const query = () => ({ from: dayStart(from), to: dayStart(to) + DAY, technician: technician || null, customer_id: customer || null, order_type: orderType || null, project_id: project || null, equipment_model: model || null, team: team || null, region: region || null, tz_offset_min: -new Date().getTimezoneOffset() });
  const stats = useLoad((b) => b.statistics(query()), [from, to, technician, project, model, team, region, customer, orderType]);
  const assessment = async () => {
    setExportError(null);
    try {
      const pdf = await backend.assessmentReport(query());
      setSaved({ path: pdf.path, href: `data:application/pdf;base64,${pdf.data_base64}` });
    } catch (e) {
      setExportError(toError(e));
    }
  };
  const exportXlsx = async (what: "statistics" | "assessment") => {
    setExportError(null);
    try {
      const file = what === "statistics" ? await backend.exportStatistics(query()) : await backend.exportAssessment(query());
      setSaved(savedLink(file, "xlsx"));
    } catch (e) {
      setExportError(toError(e));
    }
  };
  const exportCsv = async (table: StatsTable) => {
    setExportError(null);
    try {
      setSaved(savedLink(await backend.exportStatisticsTable(query(), table), "csv"));
    } catch (e) {
      setExportError(toError(e));
    }
  };
  const csv = (table: StatsTable, label: string) => (
    <button className="link small" aria-label={`CSV · ${label}`} onClick={() => void exportCsv(table)}>
      CSV
    </button>
  );
  const s = stats.data;
  const open = (prefix: string, key: Key | null, d: { orders: string[] }) => setDrill({ prefix, key, orders: d.orders });
  const drillTitle = drill ? [drill.prefix, drill.key && t(drill.key)].filter(Boolean).join(" · ") : "";
  const technicians = directory.filter((u) => u.role === "technician");
  return (
    <section className="dashboard" aria-label={t("tab.dashboard")}>
      <div className="filters toolbar">
        <DateRange from={from} to={to} onFrom={setFrom} onTo={setTo} />
        <Filter label={t("technician")} all={t("everyone")} value={technician} onChange={setTechnician} options={technicians.map((u) => ({ value: u.id, label: u.name }))} />
        <Filter label={t("stats.team")} all={t("stats.allTeams")} value={team} onChange={setTeam} options={(teams.data ?? []).map((x) => ({ value: x.id, label: x.name }))} />
        <Filter label={t("project")} all={t("stats.allProjects")} value={project} onChange={setProject} options={(projects.data ?? []).map((p) => ({ value: p.id, label: p.name }))} />
        <Filter label={t("customer")} all={t("stats.allCustomers")} value={customer} onChange={setCustomer} options={(customers.data ?? []).map((c) => ({ value: c.id, label: c.name }))} />
        <Filter label={t("type")} all={t("stats.allTypes")} value={orderType} onChange={(v) => setOrderType(v as OrderType | "")} options={ORDER_TYPES.map((ty) => ({ value: ty, label: t(`type.${ty}`) }))} />
        <Filter label={t("stats.region")} all={t("stats.allRegions")} value={region} onChange={setRegion} options={(s?.regions ?? []).map((r) => ({ value: r, label: r }))} />
        <Filter label={t("stats.model")} all={t("stats.allModels")} value={model} onChange={setModel} options={(s?.equipment_models ?? []).map((m) => ({ value: m, label: m }))} />
        <button onClick={() => exportXlsx("statistics")}>{t("exportXlsx")}</button>
        <button onClick={assessment}>{t("stats.assessment")}</button>
        <button onClick={() => exportXlsx("assessment")}>{t("stats.assessmentXlsx")}</button>
      </div>
      {saved && <SavedNotice saved={saved} testId="stats-saved" />}
      <ErrorNote error={stats.error ?? exportError} />
      {s && (
        <>
          <Tiles s={s} onDrill={open} />
          {drill && <DrillList title={drillTitle} orders={drill.orders} onOpen={onOpen} onClose={() => setDrill(null)} />}
          <h3>
            {t("stats.trend")} {csv("trend", t("stats.trend"))}
          </h3>
          <Trend now={s.trend} before={s.previous_trend} onDrill={open} />
          <h3>
            {t("stats.times")} {csv("times", t("stats.times"))}
          </h3>
          <table className="orders" aria-label={t("stats.times")}>
            <thead>
              <tr>
                <th>{t("stats.fromCreation")}</th>
                <th className="num">{t("stats.orders")}</th>
                <th className="num">{t("stats.median")}</th>
                <th className="num">{t("stats.p90")}</th>
                <th className="num">{t("stats.withinTarget")}</th>
              </tr>
            </thead>
            <tbody>
              {s.stages.map((st) => (
                <tr key={st.stage}>
                  <td>{t(`stage.${st.stage as Stage}`)}</td>
                  <td className="num">{st.count}</td>
                  <td className="num">{duration(st.median_ms)}</td>
                  <td className="num">{duration(st.p90_ms)}</td>
                  <td className="num" data-testid={`target-${st.stage}`}>
                    {st.within_target_bp === null ? (
                      "—"
                    ) : (
                      <button className="link" disabled={st.over_target.count === 0} onClick={() => open(t(`stage.${st.stage as Stage}`), "stats.overTarget", st.over_target)}>
                        {t("stats.withinOf", { share: (st.within_target_bp / 100).toFixed(1), target: duration(st.target_ms) })}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>
            {t("stats.workload")} {csv("technicians", t("stats.workload"))}
          </h3>
          <div className="table-scroll">
            <table className="orders" aria-label={t("stats.workload")}>
              <thead>
                <tr>
                  <th>{t("technician")}</th>
                  <th className="num">{t("stats.received")}</th>
                  <th className="num">{t("stats.accepted")}</th>
                  <th className="num">{t("stats.declined")}</th>
                  <th className="num">{t("stats.completed")}</th>
                  <th className="num">{t("stats.customers")}</th>
                  <th className="num">{t("stats.machines")}</th>
                  <th className="num">{t("stats.onSite")}</th>
                  <th className="num">{t("stats.travel")}</th>
                  <th className="num">{t("stats.reopened")}</th>
                  <th className="num">{t("stats.rating")}</th>
                  <th className="num">{t("stats.ftf")}</th>
                </tr>
              </thead>
              <tbody>
                {s.technicians.map((x) => {
                  const who = userName(directory, x.user_id);
                  const cell = (key: "stats.received" | "stats.accepted" | "stats.declined" | "stats.completed" | "stats.reopened", d: Drill) => (
                    <td className="num">
                      <button className="link" onClick={() => open(who, key, d)}>
                        {d.count}
                      </button>
                    </td>
                  );
                  return (
                    <tr key={x.user_id}>
                      <td>{who}</td>
                      {cell("stats.received", x.received)}
                      {cell("stats.accepted", x.accepted)}
                      {cell("stats.declined", x.declined)}
                      {cell("stats.completed", x.completed)}
                      <td className="num">{x.customers_served}</td>
                      <td className="num">{x.machines_serviced}</td>
                      <td className="num">{duration(x.on_site_ms)}</td>
                      <td className="num">{duration(x.travel_ms)}</td>
                      {cell("stats.reopened", x.reopened)}
                      <td className="num">{x.average_rating_centi === null ? "—" : (x.average_rating_centi / 100).toFixed(1)}</td>
                      <td className="num">{percent(x.first_time_fix_bp)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <h3>
            {t("stats.money")} {csv("money", t("stats.money"))}
          </h3>
          {s.money.length === 0 ? <p className="muted">{t("stats.noMoney")}</p> : <MoneyChart rows={s.money.filter((m) => m.by === "month")} onDrill={(label, d) => open(label, null, d)} />}
          <div className="toolbar money-by">
            <h3>{t("stats.moneyBy")}</h3>
            <select aria-label={t("stats.moneyBy")} value={moneyBy} onChange={(e) => setMoneyBy(e.target.value as MoneyBy)}>
              {(["customer", "project", "order_type", "technician", "month"] as MoneyBy[]).map((b) => (
                <option key={b} value={b}>
                  {t(`moneyBy.${b}`)}
                </option>
              ))}
            </select>
            {csv("money_by", t("stats.moneyBy"))}
          </div>
          <MoneyTable by={moneyBy} rows={s.money.filter((m) => m.by === moneyBy)} directory={directory} onDrill={(label, d) => open(label, null, d)} />
          <div className="charts">
            <RepairBars title={t("stats.repairsByCustomer")} testId="chart-repairs-customer" rows={s.repairs_by_customer} onDrill={(label, d) => open(label, "stats.repairs", d)} />
            <RepairBars title={t("stats.repairsByModel")} testId="chart-repairs-model" rows={s.repairs_by_model} onDrill={(label, d) => open(label, "stats.repairs", d)} />
            <RepairBars title={t("stats.repairsByMachine")} testId="chart-repairs-machine" rows={s.repairs_by_machine} onDrill={(label, d) => open(label, "stats.repairs", d)} />
            <RepairBars title={t("stats.repairsByFault")} testId="chart-repairs-fault" rows={s.repairs_by_fault} onDrill={(label, d) => open(label, "stats.repairs", d)} />
          </div>
        </>
      )}
    </section>
  );
}

/** One of the dashboard's filters: everything, or one of `options` (hidden when there are none). */
function Filter({ label, all, value, onChange, options }: { label: string; all: string; value: string; onChange: (value: string) => void; options: { value: string; label: string }[] }) {
  if (options.length === 0) return null;
  return (
    <label className="mini">
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The headline figures, each against the period before, each opening its orders. */
function Tiles({ s, onDrill }: { s: Statistics; onDrill: (prefix: string, key: Key | null, d: { orders: string[] }) => void }) {
  const { t, lang } = useI18n();
  const duration = useDuration();
  const tile = (key: "open" | "overdue" | "completed" | "ftf" | "response" | "profit" | "reopened" | "repeat30" | "repeat90", value: string, before: string | null, d: Drill | null) => (
    <div className="tile" data-testid={`tile-${key}`}>
      <span className="tile-label">{t(`kpi.${key}`)}</span>
      {d && d.count > 0 ? (
        <button className="tile-value link" onClick={() => onDrill("", `kpi.${key}`, d)}>
          {value}
        </button>
      ) : (
        <span className="tile-value">{value}</span>
      )}
      {before !== null && <span className="muted">{t("kpi.before", { value: before })}</span>}
    </div>
  );
  const k: Kpis = s.kpis;
  const p: Kpis = s.previous;
  const profit = (x: Kpis) => (x.gross_profit.length === 0 ? "—" : x.gross_profit.map((a) => formatMoney(a.minor, a.currency, lang)).join(" + "));
  return (
    <div className="tiles">
      {tile("open", String(k.open.count), null, k.open)}
      {tile("overdue", String(k.overdue.count), null, k.overdue)}
      {tile("completed", String(k.completed.count), String(p.completed.count), k.completed)}
      {tile("ftf", percent(k.first_time_fix_bp), percent(p.first_time_fix_bp), k.first_time_fix_orders)}
      {tile("response", duration(k.median_response_ms), duration(p.median_response_ms), k.arrived)}
      {tile("profit", profit(k), profit(p), k.with_money)}
      {tile("reopened", String(k.reopened.count), String(p.reopened.count), k.reopened)}
      {tile("repeat30", String(s.repeat_repairs_30d.count), null, s.repeat_repairs_30d)}
      {tile("repeat90", String(s.repeat_repairs_90d.count), null, s.repeat_repairs_90d)}
    </div>
  );
}

/**
 * Orders created and completed per week or month as bars, the orders created in the period
 * before as a dashed line; a click on a bar or point lists its orders.
 */
function Trend({ now, before, onDrill }: { now: Bucket[]; before: Bucket[]; onDrill: (prefix: string, key: Key | null, d: Drill) => void }) {
  const { t } = useI18n();
  const [figure, setFigure] = useState<TrendFigure>("orders");
  const option = useMemo<ChartOption>(() => {
    const base: ChartOption = {
      grid: { left: 8, right: 8, top: 28, bottom: 4, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: now.map((b) => b.starts.slice(5)) },
    };
    const before_ = (name: string, data: (number | null)[]) => ({ name, type: "line" as const, data, lineStyle: { type: "dashed" as const }, symbolSize: 8, color: "#98a2b3" });
    const previous = t("stats.periodBefore");
    switch (figure) {
      case "orders":
        return {
          ...base,
          yAxis: { type: "value", minInterval: 1 },
          series: [
            { name: t("stats.created"), type: "bar", data: now.map((b) => b.created.count), barMaxWidth: 22, cursor: "pointer" },
            { name: t("stats.completed"), type: "bar", data: now.map((b) => b.completed.count), barMaxWidth: 22, cursor: "pointer" },
            before_(t("stats.createdBefore"), before.map((b) => b.created.count)),
          ],
        };
      case "profit": {
        // One series per currency (never added together), in major units for the axis.
        const currencies = [...new Set([...now, ...before].flatMap((b) => b.gross_profit.map((a) => a.currency)))];
        const of = (b: Bucket, c: string) => (b.gross_profit.find((a) => a.currency === c)?.minor ?? 0) / 100;
        return {
          ...base,
          yAxis: { type: "value" },
          series: currencies.flatMap((c) => [
            { name: `${t("stats.profit")} ${c}`, type: "bar" as const, data: now.map((b) => of(b, c)), barMaxWidth: 22 },
            before_(`${previous} ${c}`, before.map((b) => of(b, c))),
          ]),
        };
      }
      case "ftf":
        return {
          ...base,
          yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value} %" } },
          series: [
            { name: t("kpi.ftf"), type: "bar", data: now.map((b) => (b.first_time_fix_bp === null ? null : b.first_time_fix_bp / 100)), barMaxWidth: 22 },
            before_(previous, before.map((b) => (b.first_time_fix_bp === null ? null : b.first_time_fix_bp / 100))),
          ],
        };
      case "response":
        return {
          ...base,
          yAxis: { type: "value", axisLabel: { formatter: (v: number) => t("hoursShort", { h: String(v) }) } },
          series: [
            { name: t("kpi.response"), type: "bar", data: now.map((b) => (b.median_response_ms === null ? null : Math.round(b.median_response_ms / 360_000) / 10)), barMaxWidth: 22 },
            before_(previous, before.map((b) => (b.median_response_ms === null ? null : Math.round(b.median_response_ms / 360_000) / 10))),
          ],
        };
    }
  }, [now, before, t, figure]);
  // Only the order counts stand for lists of orders.
  const pick = (series: number, i: number) => {
    if (figure !== "orders") return;
    const bucket = series === 2 ? before[i] : now[i];
    if (!bucket) return;
    if (series === 0) onDrill(bucket.starts, "stats.created", bucket.created);
    else if (series === 1) onDrill(bucket.starts, "stats.completed", bucket.completed);
    else onDrill(bucket.starts, "stats.createdBefore", bucket.created);
  };
  return (
    <>
      <label className="mini trend-figure">
        {t("stats.trendOf")}
        <select value={figure} onChange={(e) => setFigure(e.target.value as TrendFigure)}>
          {TREND_FIGURES.map((f) => (
            <option key={f} value={f}>
              {t(`trend.${f}`)}
            </option>
          ))}
        </select>
      </label>
      <Chart option={option} label={t("stats.trend")} height={220} onPick={pick} testId="chart-trend" caption={false} />
      {figure === "orders" && <p className="muted small">{t("stats.chartHint")}</p>}
    </>
  );
}

/** What the trend chart shows, week by week or month by month. */
const TREND_FIGURES = ["orders", "profit", "ftf", "response"] as const;
type TrendFigure = (typeof TREND_FIGURES)[number];

/** A month, with its currency when the period has several. */
const monthLabel = (rows: MoneyGroup[], m: MoneyGroup) => (new Set(rows.map((r) => r.currency)).size > 1 ? `${m.key} ${m.currency}` : m.key);

/** Charges, costs and profit per month (each currency its own bars: never added together). */
function MoneyChart({ rows, onDrill }: { rows: MoneyGroup[]; onDrill: (label: string, d: Drill) => void }) {
  const { t, lang } = useI18n();
  const label = (m: MoneyGroup) => monthLabel(rows, m);
  const option = useMemo<ChartOption>(() => {
    const value = (minor: number) => minor / 100;
    const currencyOf = (i: number) => rows[i]?.currency ?? "CNY";
    return {
      grid: { left: 8, right: 8, top: 28, bottom: 4, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", valueFormatter: (v) => String(v) },
      xAxis: { type: "category", data: rows.map((m) => monthLabel(rows, m)) },
      yAxis: { type: "value" },
      series: [
        { name: t("stats.charges"), type: "bar", data: rows.map((m) => value(m.charges_net)), barMaxWidth: 22, cursor: "pointer" },
        { name: t("stats.costs"), type: "bar", data: rows.map((m) => value(m.costs)), barMaxWidth: 22, cursor: "pointer", color: "#b54708" },
        {
          name: t("stats.profit"),
          type: "bar",
          data: rows.map((m) => value(m.gross_profit)),
          barMaxWidth: 22,
          cursor: "pointer",
          color: "#067647",
          label: { show: true, position: "top", formatter: (p) => formatMoney(rows[p.dataIndex]?.gross_profit ?? 0, currencyOf(p.dataIndex), lang) },
        },
      ],
    };
  }, [rows, t, lang]);
  return <Chart option={option} label={t("stats.money")} height={220} caption={false} onPick={(_, i) => rows[i] && onDrill(label(rows[i]), { count: rows[i].orders.length, orders: rows[i].orders })} testId="chart-money" />;
}

/** Charges, costs, profit and margin under the chosen grouping; each row lists its orders. */
function MoneyTable({ by, rows, directory, onDrill }: { by: MoneyBy; rows: MoneyGroup[]; directory: UserInfo[]; onDrill: (label: string, d: Drill) => void }) {
  const { t, lang } = useI18n();
  const name = (m: MoneyGroup) => {
    switch (m.by) {
      case "technician":
        return userName(directory, m.key);
      case "order_type":
        return t(`type.${m.key as OrderType}`);
      case "project":
        return m.key ? m.label : t("stats.noProject");
      default:
        return m.label;
    }
  };
  return (
    <div className="table-scroll">
      <table className="orders" aria-label={t("stats.moneyBy")}>
        <thead>
          <tr>
            <th>{t(`moneyBy.${by}`)}</th>
            <th>{t("stats.currency")}</th>
            <th className="num">{t("stats.charges")}</th>
            <th className="num">{t("stats.costs")}</th>
            <th className="num">{t("stats.profit")}</th>
            <th className="num">{t("margin")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => (
            <tr key={`${m.key}|${m.currency}`}>
              <td>
                <button className="link" onClick={() => onDrill(name(m), { count: m.orders.length, orders: m.orders })}>
                  {name(m)}
                </button>
              </td>
              <td>{m.currency}</td>
              <td className="num">{formatMoney(m.charges_net, m.currency, lang)}</td>
              <td className="num">{formatMoney(m.costs, m.currency, lang)}</td>
              <td className="num">{formatMoney(m.gross_profit, m.currency, lang)}</td>
              <td className="num">{percent(m.margin_bp)}</td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                {t("stats.noMoney")}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Repairs per name (a customer, a model, a machine, a fault), most first; a bar lists its orders. */
function RepairBars({ title, rows, onDrill, testId }: { title: string; rows: NamedCount[]; onDrill: (label: string, d: Drill) => void; testId: string }) {
  const option = useMemo(() => barsOption(rows.map((r) => ({ label: r.label, value: r.orders.count })), String, { clickable: true }), [rows]);
  if (rows.length === 0) {
    return (
      <figure className="chart" aria-label={title} data-testid={testId}>
        <figcaption>{title}</figcaption>
        <p className="muted">—</p>
      </figure>
    );
  }
  return <Chart option={option} label={title} height={barsHeight(rows.length)} onPick={(_, i) => rows[i] && onDrill(rows[i].label, rows[i].orders)} testId={testId} />;
}

/** The most orders a drill-down lists at once (a year's completions can be tens of thousands). */
const DRILL_SHOWN = 200;

/** The orders behind a figure (the first `DRILL_SHOWN`), read by id while the list is open. */
function DrillList({ title, orders, onOpen, onClose }: { title: string; orders: string[]; onOpen: (id: string) => void; onClose: () => void }) {
  const { t } = useI18n();
  const shown = orders.slice(0, DRILL_SHOWN);
  const all = useLoad((b) => b.listOrders({ status: null, statuses: null, assignee: null, text: null, ids: shown }), [orders]);
  return (
    <div className="drill" role="region" aria-label={title}>
      <div className="drill-head">
        <strong>{title}</strong> <span className="muted">{t("ordersCount", { n: orders.length })}</span>
        <button className="link" onClick={onClose}>
          {t("close")}
        </button>
      </div>
      <ul>
        {(all.data ?? []).map((o) => (
          <li key={o.id}>
            <button className="link" onClick={() => onOpen(o.id)}>
              {o.display_number}
            </button>{" "}
            <StatusBadge status={o.status} /> {o.customer_name} · {o.description}
          </li>
        ))}
      </ul>
      {orders.length > shown.length && <p className="muted small">{t("stats.drillMore", { shown: shown.length, n: orders.length })}</p>}
    </div>
  );
}
