import { useState, type DragEvent } from "react";
import type { OrderSummary, UserInfo } from "../../backend";
import { useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { StatusBadge } from "./StatusBadge";
import { useDispatch } from "./useDispatch";

const OPEN = ["requested", "new", "dispatched", "accepted", "rejected", "travelling", "on_site", "checked_out", "conflict"];

function sameDay(ms: number, day: string): boolean {
  const d = new Date(ms);
  const local = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  return local === day;
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** Dispatch board: unassigned orders and each technician's open orders of the day. Drag a
 * card onto a technician, or use the card's "assign to" list from the keyboard. */
export function BoardView({ directory, onOpen, onChanged }: { directory: UserInfo[]; onOpen: (id: string) => void; onChanged: () => void }) {
  const { t, formatShort } = useI18n();
  const [day, setDay] = useState(today());
  const [over, setOver] = useState<string | null>(null);
  const orders = useLoad((b) => b.listOrders({ statuses: OPEN as OrderSummary["status"][] }), []);
  const active = useLoad((b) => b.technicians(), []).data ?? [];
  const onDay = (o: OrderSummary) => o.scheduled_start === null || sameDay(o.scheduled_start, day);
  const all = (orders.data ?? []).filter(onDay);
  // Columns for the technicians who may take work, and for anyone (deactivated since) who still leads an order here.
  const leading = new Set(all.map((o) => o.assignees[0]).filter(Boolean));
  const technicians = [...active, ...directory.filter((u) => !u.active && leading.has(u.id))];
  const unassigned = all.filter((o) => o.assignees.length === 0 || o.status === "rejected");
  const columnOf = (tech: string) => all.filter((o) => o.assignees[0] === tech && o.status !== "rejected");

  const dispatching = useDispatch(() => {
    orders.reload();
    onChanged();
  });
  const assign = (orderId: string, tech: string) => dispatching.dispatch(orderId, [tech]);
  const drop = (tech: string) => (e: DragEvent) => {
    e.preventDefault();
    setOver(null);
    const id = e.dataTransfer.getData("text/plain");
    if (id) void assign(id, tech);
  };

  const card = (o: OrderSummary) => (
    <div
      key={o.id}
      className="board-card"
      draggable
      data-testid={`card-${o.display_number}`}
      onDragStart={(e) => e.dataTransfer.setData("text/plain", o.id)}
      onDoubleClick={() => onOpen(o.id)}
    >
      <div className="card-top">
        <button className="link" onClick={() => onOpen(o.id)}>
          {o.customer_name ?? "—"}
        </button>
        <StatusBadge status={o.status} />
      </div>
      <div className="muted clamp">{o.description}</div>
      <div className="muted">
        <span className="mono">{o.display_number}</span>
        {o.scheduled_start ? ` · ${formatShort(o.scheduled_start)}` : ""}
        {" · "}
        <span className={`prio-${o.priority}`}>{t(`priority.${o.priority}`)}</span>
      </div>
      <select aria-label={`${t("dispatchTo")} ${o.customer_name ?? ""}`} value="" onChange={(e) => e.target.value && assign(o.id, e.target.value)}>
        <option value="">{o.assignees.length ? t("reassign") : t("dispatchTo")}…</option>
        {technicians
          .filter((u) => u.id !== o.assignees[0])
          .map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
      </select>
    </div>
  );

  return (
    <>
      <div className="toolbar">
        <label className="mini">
          {t("boardDay")}
          <input type="date" value={day} onChange={(e) => setDay(e.target.value || today())} />
        </label>
      </div>
      {dispatching.confirm}
      <ErrorNote error={dispatching.error ?? orders.error} />
      <div className="board">
        <section className="board-col" aria-label={t("unassigned")}>
          <h3>
            {t("unassigned")} <span className="badge">{unassigned.length}</span>
          </h3>
          {unassigned.map(card)}
        </section>
        {technicians.map((u) => (
          <section
            key={u.id}
            className={over === u.id ? "board-col drop" : "board-col"}
            aria-label={u.name}
            onDragOver={(e) => {
              e.preventDefault();
              setOver(u.id);
            }}
            onDragLeave={() => setOver(null)}
            onDrop={drop(u.id)}
          >
            <h3>
              {u.name} <span className="badge">{columnOf(u.id).length}</span>
            </h3>
            {columnOf(u.id).map(card)}
          </section>
        ))}
      </div>
    </>
  );
}
