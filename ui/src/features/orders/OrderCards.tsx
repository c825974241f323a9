import type { OrderSummary } from "../../backend";
import { useI18n } from "../../i18n";
import { StatusBadge } from "./StatusBadge";

/** Orders as big touch cards (the technician's list, a scanned machine's orders); a tap opens one. */
export function OrderCards({ orders, onOpen, me }: { orders: OrderSummary[]; onOpen: (id: string) => void; me?: string }) {
  const { t, formatTime } = useI18n();
  return (
    <ul className="cards">
      {orders.map((o) => (
        <li key={o.id}>
          <button className="order-card" onClick={() => onOpen(o.id)}>
            <div className="card-top">
              <strong>{o.customer_name ?? "—"}</strong>
              <StatusBadge status={o.status} />
            </div>
            <div>
              {t(`type.${o.order_type}`)} · <span className={`prio-${o.priority}`}>{t(`priority.${o.priority}`)}</span>
              {o.scheduled_start ? ` · ${formatTime(o.scheduled_start)}` : ""}
            </div>
            <div className="muted clamp">{o.description}</div>
            <div className="muted mono">{o.display_number}</div>
            {o.pending && <span className="badge warn">{t("notSynced")}</span>}
            {me && !o.assignees.includes(me) && <span className="badge danger">{t("reassignedBadge")}</span>}
          </button>
        </li>
      ))}
    </ul>
  );
}
