import { useState, type DragEvent } from "react";
import type { PlannedOrder, ScheduleBoard } from "../../backend";
import { useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { StatusBadge } from "./StatusBadge";
import { useDispatch } from "./useDispatch";

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;

function localDay(d = new Date()): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** The board's axis: the shown days' working hours side by side (nights are left out). */
class Axis {
  constructor(private board: ScheduleBoard) {}
  private get days() {
    return Math.round((this.board.to - this.board.from) / DAY_MS);
  }
  private get workMs() {
    return (this.board.work_day_end_min - this.board.work_day_start_min) * MIN_MS;
  }
  /** Where a moment sits, 0–1 across the axis (clamped to the working hours). */
  at(ms: number): number {
    const day = Math.min(Math.max(Math.floor((ms - this.board.from) / DAY_MS), 0), this.days - 1);
    const open = this.board.from + day * DAY_MS + this.board.work_day_start_min * MIN_MS;
    const inDay = Math.min(Math.max(ms - open, 0), this.workMs) / this.workMs;
    return (day + inDay) / this.days;
  }
  /** The moment at a fraction of the axis, on the planning grid. */
  time(fraction: number): number {
    const f = Math.min(Math.max(fraction, 0), 0.99999) * this.days;
    const day = Math.floor(f);
    const grid = this.board.grid_min * MIN_MS;
    const offset = Math.round(((f - day) * this.workMs) / grid) * grid;
    return this.board.from + day * DAY_MS + this.board.work_day_start_min * MIN_MS + Math.min(offset, this.workMs - grid);
  }
  /** Tick marks: every hour of a day, or every day of a week. */
  ticks(): { at: number; ms: number }[] {
    if (this.days === 1) {
      const hours = (this.board.work_day_end_min - this.board.work_day_start_min) / 60;
      return Array.from({ length: hours }, (_, h) => {
        const ms = this.board.from + (this.board.work_day_start_min + h * 60) * MIN_MS;
        return { at: this.at(ms), ms };
      });
    }
    return Array.from({ length: this.days }, (_, d) => ({ at: d / this.days, ms: this.board.from + d * DAY_MS + this.board.work_day_start_min * MIN_MS }));
  }
}

/** The schedule: per technician a day or a week of working hours with their orders as blocks
 * (drag a block along the row to move it, onto another row to reassign it), their load and next
 * free slot; the orders nobody leads in a list beside it (drag one onto a row and time). The
 * keyboard path: each card's and block's "dispatch to" list (a new technician's next free
 * slot), or the order itself. */
export function BoardView({ onOpen, onChanged }: { onOpen: (id: string) => void; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const [day, setDay] = useState(localDay());
  const [days, setDays] = useState<1 | 7>(1);
  const [over, setOver] = useState<string | null>(null);
  const board = useLoad((b) => b.scheduleBoard({ day, days, tz_offset_min: -new Date().getTimezoneOffset(), slot_min: null }), [day, days]);
  const dispatching = useDispatch(() => {
    board.reload();
    onChanged();
  });
  const data = board.data;
  const axis = data ? new Axis(data) : null;
  const hour = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const weekday = new Intl.DateTimeFormat(lang, { weekday: "short", month: "numeric", day: "numeric" });
  const when = new Intl.DateTimeFormat(lang, { weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const technicians = data?.technicians.map((r) => r.technician) ?? [];

  const drop = (tech: string) => (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(null);
    const id = e.dataTransfer.getData("text/plain");
    if (!id || !axis) return;
    const box = e.currentTarget.getBoundingClientRect();
    void dispatching.plan(id, tech, axis.time((e.clientX - box.left) / box.width));
  };

  const assignList = (p: PlannedOrder) => (
    <select
      aria-label={`${t("dispatchTo")} ${p.order.customer_name ?? ""}`}
      value=""
      onClick={(e) => e.stopPropagation()}
      onChange={(e) => e.target.value && dispatching.plan(p.order.id, e.target.value, null)}
    >
      <option value="">{p.order.assignees.length ? t("reassign") : t("dispatchTo")}…</option>
      {technicians
        .filter((u) => u.id !== p.order.assignees[0])
        .map((u) => (
          <option key={u.id} value={u.id}>
            {u.name}
          </option>
        ))}
    </select>
  );

  const card = (p: PlannedOrder) => (
    <div key={p.order.id} className="board-card" draggable data-testid={`card-${p.order.display_number}`} onDragStart={(e) => e.dataTransfer.setData("text/plain", p.order.id)}>
      <div className="card-top">
        <button className="link" onClick={() => onOpen(p.order.id)}>
          {p.order.customer_name ?? "—"}
        </button>
        <StatusBadge status={p.order.status} />
      </div>
      <div className="muted clamp">{p.order.description}</div>
      <div className="muted">
        <span className="mono">{p.order.display_number}</span>
        {" · "}
        {p.start ? when.format(new Date(p.start)) : t("schedule.noTime")}
        {" · "}
        {t("schedule.duration", { h: (p.duration_min / 60).toLocaleString(lang, { maximumFractionDigits: 1 }) })}
        {" · "}
        <span className={`prio-${p.order.priority}`}>{t(`priority.${p.order.priority}`)}</span>
      </div>
      {assignList(p)}
    </div>
  );

  return (
    <>
      <div className="toolbar schedule-toolbar">
        <label className="mini">
          {t("boardDay")}
          <input type="date" value={day} onChange={(e) => setDay(e.target.value || localDay())} />
        </label>
        <div className="segmented" role="group" aria-label={t("schedule.span")}>
          {([1, 7] as const).map((n) => (
            <button key={n} aria-pressed={days === n} className={days === n ? "on" : ""} onClick={() => setDays(n)}>
              {n === 1 ? t("schedule.day") : t("schedule.week")}
            </button>
          ))}
        </div>
        <button onClick={() => setDay(localDay())}>{t("schedule.today")}</button>
        <span className="muted small">{t("schedule.hint")}</span>
      </div>
      {dispatching.confirm}
      <ErrorNote error={dispatching.error ?? board.error} />
      {data && axis && (
        <div className="schedule">
          <section className="board-col schedule-side" aria-label={t("unassigned")}>
            <h3>
              {t("unassigned")} <span className="badge">{data.unassigned.length}</span>
            </h3>
            {data.unassigned.map(card)}
            {data.unassigned.length === 0 && <p className="muted small">{t("schedule.allAssigned")}</p>}
          </section>
          <div className="schedule-grid" data-days={days}>
            <div className="schedule-row schedule-head">
              <div className="schedule-who" />
              <div className="schedule-axis">
                {axis.ticks().map((tick) => (
                  <span key={tick.ms} className="tick" style={{ left: `${tick.at * 100}%` }}>
                    {days === 1 ? hour.format(new Date(tick.ms)) : weekday.format(new Date(tick.ms))}
                  </span>
                ))}
              </div>
            </div>
            {data.technicians.map((row) => {
              const u = row.technician;
              const load = row.capacity_min ? Math.round((row.load_min / row.capacity_min) * 100) : 0;
              return (
                <section key={u.id} className="schedule-row" aria-label={u.name} data-testid={`row-${u.id}`}>
                  <div className="schedule-who">
                    <strong>{u.name}</strong>
                    {!u.active && <span className="muted small"> {t("deactivated")}</span>}
                    <div className="load" title={t("schedule.loadTitle")}>
                      <span className="load-bar">
                        <span style={{ width: `${Math.min(load, 100)}%` }} className={load > 100 ? "over" : ""} />
                      </span>
                      <span className="small" data-testid="load">
                        {t("schedule.load", { h: (row.load_min / 60).toLocaleString(lang, { maximumFractionDigits: 1 }), of: row.capacity_min / 60, pct: load })}
                      </span>
                    </div>
                    <div className="small muted" data-testid="next-free">
                      {row.next_free ? t("schedule.nextFree", { when: when.format(new Date(row.next_free)) }) : t("schedule.noFreeSlot")}
                    </div>
                    {row.unscheduled.length > 0 && (
                      <details className="small">
                        <summary>{t("schedule.unscheduled", { n: row.unscheduled.length })}</summary>
                        {row.unscheduled.map(card)}
                      </details>
                    )}
                  </div>
                  <div
                    className={over === u.id ? "schedule-lane drop" : "schedule-lane"}
                    onDragOver={(e) => {
                      e.preventDefault();
                      setOver(u.id);
                    }}
                    onDragLeave={() => setOver(null)}
                    onDrop={drop(u.id)}
                  >
                    {axis.ticks().map((tick) => (
                      <span key={tick.ms} className="gridline" style={{ left: `${tick.at * 100}%` }} />
                    ))}
                    {row.planned.map((p) => {
                      const left = axis.at(p.start!);
                      const width = Math.max(axis.at(p.end!) - left, 0.01);
                      return (
                        <div
                          key={p.order.id}
                          className={["board-card", "block", `status-${p.order.status}`, p.overlaps ? "overlaps" : ""].join(" ").trim()}
                          style={{ left: `${left * 100}%`, width: `${width * 100}%` }}
                          draggable
                          tabIndex={0}
                          data-testid={`block-${p.order.display_number}`}
                          title={`${p.order.customer_name ?? ""} · ${p.order.description}${p.overlaps ? ` · ${t("schedule.overlaps")}` : ""}`}
                          onDragStart={(e) => e.dataTransfer.setData("text/plain", p.order.id)}
                          onDoubleClick={() => onOpen(p.order.id)}
                          onKeyDown={(e) => e.key === "Enter" && onOpen(p.order.id)}
                        >
                          <button className="link" onClick={() => onOpen(p.order.id)}>
                            {p.order.customer_name ?? "—"}
                          </button>
                          <span className="small">
                            {hour.format(new Date(p.start!))}–{hour.format(new Date(p.end!))}
                          </span>
                          {p.order.assignees.length > 1 && <span className="small"> +{p.order.assignees.length - 1}</span>}
                          {assignList(p)}
                        </div>
                      );
                    })}
                  </div>
                </section>
              );
            })}
          </div>
        </div>
      )}
    </>
  );
}
