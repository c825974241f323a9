import { useState } from "react";
import type { BackendError, OrderDetail, UserInfo } from "../backend";
import { toError } from "../backend";
import { useBackend, userName } from "../context";
import { useI18n } from "../i18n";
import { ErrorNote } from "./ErrorNote";
import { StatusBadge } from "./StatusBadge";

/** One order: its facts, its timeline, and the next steps this user may take. */
export function OrderDetailView({ order, directory, onChanged, large }: { order: OrderDetail; directory: UserInfo[]; onChanged: (o: OrderDetail) => void; large?: boolean }) {
  const backend = useBackend();
  const { t, formatTime } = useI18n();
  const [error, setError] = useState<BackendError | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState("");
  const technicians = directory.filter((u) => u.role === "technician");

  const run = async (action: () => Promise<OrderDetail>) => {
    setError(null);
    try {
      onChanged(await action());
      setPicked([]);
      setRejecting(false);
      setReason("");
    } catch (e) {
      setError(toError(e));
    }
  };

  const names = (ids: string[]) => ids.map((id) => userName(directory, id)).join(", ");
  const btn = large ? "big" : "";

  return (
    <section className="detail" aria-label={order.description}>
      <header className="detail-head">
        <h2>
          {order.customer_name ?? "—"} <StatusBadge status={order.status} />
          {order.pending && <span className="badge warn">{t("notSynced")}</span>}
        </h2>
        <div className="muted mono">#{order.id.slice(-8)}</div>
      </header>
      <dl className="facts">
        <dt>{t("type")}</dt>
        <dd>{t(`type.${order.order_type}`)}</dd>
        <dt>{t("priority")}</dt>
        <dd className={`prio-${order.priority}`}>{t(`priority.${order.priority}`)}</dd>
        <dt>{t("site")}</dt>
        <dd>{order.site ? `${order.site.name} · ${order.site.address}` : "—"}</dd>
        <dt>{t("scheduled")}</dt>
        <dd>{order.scheduled_start ? formatTime(order.scheduled_start) : "—"}</dd>
        <dt>{t("assignees")}</dt>
        <dd data-testid="assignees">{order.assignees.length ? names(order.assignees) : t("unassigned")}</dd>
        <dt>{t("description")}</dt>
        <dd className="description">{order.description}</dd>
      </dl>

      {order.conflicts.length > 0 && (
        <div className="conflicts" role="alert">
          <strong>{t("conflicts")}</strong>
          <ul>
            {order.conflicts.map((c, i) => (
              <li key={i}>{c}</li>
            ))}
          </ul>
        </div>
      )}

      <div className="actions">
        {order.actions.includes("accept") && (
          <button className={`primary ${btn}`} onClick={() => run(() => backend.acceptOrder(order.id))}>
            {t("accept")}
          </button>
        )}
        {order.actions.includes("reject") && !rejecting && (
          <button className={`danger ${btn}`} onClick={() => setRejecting(true)}>
            {t("reject")}
          </button>
        )}
      </div>
      {rejecting && (
        <div className="inline-form">
          <label>
            {t("rejectReason")}
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button className={`danger ${btn}`} onClick={() => run(() => backend.rejectOrder(order.id, reason))}>
            {t("reject")}
          </button>
          <button className={btn} onClick={() => setRejecting(false)}>
            {t("cancel")}
          </button>
        </div>
      )}
      {order.actions.includes("dispatch") && (
        <fieldset className="dispatch">
          <legend>{order.assignees.length ? t("reassign") : t("dispatchTo")}</legend>
          {technicians.map((u) => (
            <label key={u.id} className="check">
              <input
                type="checkbox"
                checked={picked.includes(u.id)}
                onChange={(e) => setPicked((p) => (e.target.checked ? [...p, u.id] : p.filter((x) => x !== u.id)))}
              />
              {u.name}
            </label>
          ))}
          <button
            className="primary"
            onClick={() => (picked.length ? run(() => backend.dispatchOrder(order.id, picked)) : setError(toError({ code: "invalid_input", message: t("chooseTechnicians") })))}
          >
            {order.assignees.length ? t("reassign") : t("dispatch")}
          </button>
        </fieldset>
      )}
      <ErrorNote error={error} />

      <h3>{t("timeline")}</h3>
      <ol className="timeline">
        {order.events.map((e) => (
          <li key={e.id}>
            <time>{formatTime(e.at)}</time>{" "}
            {t(`event.${e.kind}`, { who: userName(directory, e.by), to: names(e.to ?? []), reason: e.reason ?? "" })}
          </li>
        ))}
      </ol>
    </section>
  );
}
