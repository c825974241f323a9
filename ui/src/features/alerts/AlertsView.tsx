import { useState } from "react";
import type { AlertKind, AlertState, AlertView, UserInfo } from "../../backend";
import { ALERT_KINDS } from "../../backend";
import { useAction, useBackend, useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { TechnicianFilter } from "../../shared/FormParts";

type Shown = "open" | AlertState;
const SHOWN: Shown[] = ["open", "overdue", "due_soon", "acknowledged"];

/**
 * Alerts (预警) the device computed for today in the company's calendar: machines whose
 * warranty, maintenance or inspection is due soon or overdue, and late orders. Supervisors set
 * an alert aside with a reason or make the visit's order; technicians see theirs.
 */
export function AlertsView({ directory, canManage, onOpenOrder, forTechnician }: { directory: UserInfo[]; canManage: boolean; onOpenOrder: (id: string) => void; forTechnician?: boolean }) {
  const { t } = useI18n();
  const [shown, setShown] = useState<Shown>("open");
  const [kind, setKind] = useState<AlertKind | "">("");
  const [customer, setCustomer] = useState("");
  const [tech, setTech] = useState("");
  const customers = useLoad((b) => b.listCustomers(), []);
  const list = useLoad(
    (b) =>
      b.alerts({
        state: shown === "open" ? null : shown,
        kind: kind || null,
        customer_id: customer || null,
        technician_id: tech || null,
        equipment_id: null,
      }),
    [shown, kind, customer, tech],
  );
  const alerts = (list.data?.alerts ?? []).filter((a) => shown !== "open" || a.state !== "acknowledged");
  const openCount = Object.values(list.data?.open_counts ?? {}).reduce((n, c) => n + (c ?? 0), 0);
  return (
    <section className="alerts" aria-label={t("tab.alerts")}>
      <div className="segmented" role="tablist" aria-label={t("alerts.show")}>
        {SHOWN.map((s) => (
          <button key={s} role="tab" aria-selected={shown === s} className={shown === s ? "on" : ""} onClick={() => setShown(s)}>
            {t(`alerts.state.${s}`)}
            {s === "open" && openCount > 0 && <span className="count">{openCount}</span>}
          </button>
        ))}
      </div>
      <div className="filters">
        <select value={kind} onChange={(e) => setKind(e.target.value as AlertKind | "")} aria-label={t("alerts.kind")}>
          <option value="">{t("alerts.allKinds")}</option>
          {ALERT_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`alertKind.${k}`)}
            </option>
          ))}
        </select>
        <select value={customer} onChange={(e) => setCustomer(e.target.value)} aria-label={t("customer")}>
          <option value="">{t("alerts.allCustomers")}</option>
          {(customers.data ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        {!forTechnician && (
          <TechnicianFilter directory={directory} value={tech} onChange={setTech} />
        )}
      </div>
      {list.data && <p className="muted small">{t("alerts.today", { date: list.data.today, zone: list.data.time_zone })}</p>}
      <ErrorNote error={list.error} />
      {list.data && alerts.length === 0 && <p className="muted">{t("alerts.none")}</p>}
      <ul className="alert-list plain">
        {alerts.map((a) => (
          <AlertRow key={a.key} alert={a} canManage={canManage} onOpenOrder={onOpenOrder} onChanged={list.reload} />
        ))}
      </ul>
    </section>
  );
}

function AlertRow({ alert: a, canManage, onOpenOrder, onChanged }: { alert: AlertView; canManage: boolean; onOpenOrder: (id: string) => void; onChanged: () => void }) {
  const backend = useBackend();
  const { t, formatShort } = useI18n();
  const action = useAction();
  const [reason, setReason] = useState<string | null>(null);
  const hours = a.kind === "not_accepted" || a.kind === "not_completed";
  const when = hours
    ? a.left < 0
      ? t("alerts.hoursLate", { n: -a.left })
      : t("alerts.hoursLeft", { n: a.left })
    : a.left < 0
      ? t("alerts.daysLate", { n: -a.left })
      : a.left === 0
        ? t("alerts.dueToday")
        : t("alerts.daysLeft", { n: a.left });
  const subject = a.equipment_name
    ? `${a.equipment_name}${a.equipment_model ? ` (${a.equipment_model})` : ""}`
    : (a.order_number ?? "");
  const visit = (a.kind === "maintenance" || a.kind === "inspection") && a.state !== "acknowledged";
  const makeOrder = async () => {
    const description = [a.plan_name || t(`planKind.${a.plan_kind ?? "maintenance"}`), a.equipment_name, a.due_on].filter(Boolean).join(" · ");
    let id: string | null = null;
    const ok = await action.run(async () => {
      id = (await backend.createOrderFromAlert(a.key, description)).id;
    });
    if (ok && id) {
      onChanged();
      onOpenOrder(id);
    } else onChanged();
  };
  const setAside = async () => {
    if (reason === null) return;
    if (await action.run(() => backend.acknowledgeAlert(a.key, reason))) {
      setReason(null);
      onChanged();
    }
  };
  return (
    <li className={`alert-row ${a.state}`} data-testid="alert">
      <div className="alert-main">
        <span className={`badge ${a.state === "overdue" ? "warn" : a.state === "due_soon" ? "soon" : "ok"}`}>{t(`alerts.state.${a.state}`)}</span>{" "}
        <strong>{t(`alertKind.${a.kind}`)}</strong>
        {a.plan_kind && a.plan_kind !== a.kind && <span className="muted"> · {t(`planKind.${a.plan_kind}`)}</span>}
        {a.plan_name && <span className="muted"> · {a.plan_name}</span>}
        <div>
          {subject} · {a.customer_name ?? "—"}
          {a.site_name && <span className="muted"> · {a.site_name}</span>}
        </div>
        <div className="muted small">
          {a.due_on ?? (a.due_at !== null ? formatShort(a.due_at) : "")} · <span className={a.left < 0 ? "late" : ""}>{when}</span>
          {a.reminder > 0 && <> · {t("alerts.reminder", { n: a.reminder })}</>}
          {a.technician_names.length > 0 && <> · {a.technician_names.join(", ")}</>}
        </div>
        {a.visit_orders > 1 && (
          <div className="late small" data-testid="made-twice">
            {t("alerts.madeTwice", { n: a.visit_orders })}
          </div>
        )}
        {a.ack && (
          <div className="muted small">
            {t("alerts.setAsideBy", { name: a.acknowledged_by_name ?? "—", reason: a.ack.reason })}
          </div>
        )}
      </div>
      <div className="alert-actions">
        {a.order_exists && a.order_id && (
          <button className="link" onClick={() => onOpenOrder(a.order_id!)}>
            {t("alerts.openOrder", { number: a.order_number ?? "" })}
          </button>
        )}
        {canManage && visit && !a.order_exists && (
          <button className="primary" onClick={makeOrder}>
            {t("alerts.createOrder")}
          </button>
        )}
        {canManage && a.equipment_id && a.state !== "acknowledged" && reason === null && (
          <button onClick={() => setReason("")}>{t("alerts.setAside")}</button>
        )}
      </div>
      {reason !== null && (
        <div className="line-form">
          <input autoFocus aria-label={t("alerts.reason")} placeholder={t("alerts.reasonHint")} value={reason} onChange={(e) => setReason(e.target.value)} onKeyDown={(e) => e.key === "Enter" && setAside()} />
          <button className="primary" onClick={setAside}>
            {t("alerts.confirmSetAside")}
          </button>
          <button className="link" onClick={() => setReason(null)}>
            {t("cancel")}
          </button>
        </div>
      )}
      <ErrorNote error={action.error} />
    </li>
  );
}
