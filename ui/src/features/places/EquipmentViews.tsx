import { useState, type FormEvent } from "react";
import type { BackendError, EquipmentInfo, EquipmentView } from "../../backend";
import { toError } from "../../backend";
import { useBackend, useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { MachinePortalPanel, PrintLabelsButton } from "../portal/PortalLinks";
import { CreateCancel, CustomerSelect } from "../../shared/FormParts";

/** "in warranty" / "warranty expired" as the device judged it, or nothing without a date. */
export function WarrantyBadge({ expired }: { expired: boolean | null }) {
  const { t } = useI18n();
  if (expired === null) return null;
  return <span className={expired ? "badge warn" : "badge ok"}>{expired ? t("warrantyExpired") : t("inWarranty")}</span>;
}

/** The installed base: every machine this device knows, by customer, with a search. */
export function EquipmentList({ onOpen, onNew, selectedId }: { onOpen: (id: string) => void; onNew: () => void; selectedId: string | null }) {
  const { t, formatShort } = useI18n();
  const [text, setText] = useState("");
  const [customer, setCustomer] = useState("");
  const customers = useLoad((b) => b.listCustomers(), []).data ?? [];
  const list = useLoad((b) => b.listEquipment({ text: text || null, customer_id: customer || null }), [text, customer]);
  return (
    <>
      <div className="toolbar">
        <button className="primary" onClick={onNew}>
          + {t("newEquipment")}
        </button>
        <PrintLabelsButton machines={list.data ?? []} />
      </div>
      <div className="filters">
        <input type="search" placeholder={t("searchEquipment")} aria-label={t("searchEquipment")} value={text} onChange={(e) => setText(e.target.value)} />
        <select aria-label={t("customer")} value={customer} onChange={(e) => setCustomer(e.target.value)}>
          <option value="">{t("allCustomers")}</option>
          {customers.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      <ErrorNote error={list.error} />
      <table className="orders" aria-label={t("tab.equipment")}>
        <thead>
          <tr>
            <th>{t("equipment")}</th>
            <th>{t("customer")}</th>
            <th>{t("warrantyUntil")}</th>
            <th>{t("serviceHistory")}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.map((e) => (
            <tr key={e.id} className={e.id === selectedId ? "selected" : ""} onClick={() => onOpen(e.id)} tabIndex={0} onKeyDown={(k) => k.key === "Enter" && onOpen(e.id)}>
              <td>
                {e.name}
                {e.pending && <span className="dot-pending" title={t("notSynced")} />}
                <div className="muted">
                  {e.model} · <span className="mono">{e.serial}</span>
                </div>
              </td>
              <td>
                {e.customer_name ?? "—"}
                <div className="muted">{e.site_name}</div>
              </td>
              <td className="nowrap">
                {e.warranty_until ?? "—"} <WarrantyBadge expired={e.warranty_expired} />
              </td>
              <td className="nowrap">{e.last_service_at ? t("servicedTimes", { n: e.service_count, time: formatShort(e.last_service_at) }) : t("neverServiced")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data?.length === 0 && <p className="muted">{t("noEquipment")}</p>}
    </>
  );
}

const blank = (customerId = ""): EquipmentInfo => ({
  name: "",
  model: "",
  serial: "",
  customer_id: customerId,
  site_id: "",
  project_id: null,
  installed_on: null,
  warranty_until: null,
  maintenance_interval_days: null,
  notes: "",
});

/** Create a machine, or edit one (`existing`). */
export function EquipmentForm({ existing, onDone, onCancel }: { existing?: EquipmentView; onDone: (e: EquipmentView) => void; onCancel: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const [info, setInfo] = useState<EquipmentInfo>(() => (existing ? { ...existing } : blank()));
  const [error, setError] = useState<BackendError | null>(null);
  const customers = useLoad((b) => b.listCustomers(), []).data ?? [];
  const projects = useLoad((b) => (info.customer_id ? b.listProjects(info.customer_id) : Promise.resolve([])), [info.customer_id]).data ?? [];
  const customer = customers.find((c) => c.id === info.customer_id);
  const set = (patch: Partial<EquipmentInfo>) => setInfo((i) => ({ ...i, ...patch }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const clean: EquipmentInfo = {
      name: info.name,
      model: info.model,
      serial: info.serial,
      customer_id: info.customer_id,
      site_id: info.site_id || customer?.sites[0]?.id || "",
      project_id: info.project_id || null,
      installed_on: info.installed_on || null,
      warranty_until: info.warranty_until || null,
      maintenance_interval_days: info.maintenance_interval_days,
      notes: info.notes,
    };
    try {
      onDone(existing ? await backend.updateEquipment(existing.id, clean) : await backend.createEquipment(clean));
    } catch (err) {
      setError(toError(err));
    }
  };

  const title = existing ? t("editEquipment") : t("newEquipment");
  return (
    <form className="card form" onSubmit={submit} aria-label={title}>
      <h2>{title}</h2>
      <CustomerSelect customers={customers} value={info.customer_id} onChange={(id) => set({ customer_id: id, site_id: "", project_id: null })} />
      {customer && customer.sites.length > 1 && (
        <label>
          {t("site")}
          <select value={info.site_id} onChange={(e) => set({ site_id: e.target.value })}>
            {customer.sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        {t("equipmentName")}
        <input value={info.name} onChange={(e) => set({ name: e.target.value })} required />
      </label>
      <div className="row">
        <label>
          {t("model")}
          <input value={info.model} onChange={(e) => set({ model: e.target.value })} />
        </label>
        <label>
          {t("serial")}
          <input value={info.serial} onChange={(e) => set({ serial: e.target.value })} />
        </label>
      </div>
      <div className="row">
        <label>
          {t("installedOn")}
          <input type="date" value={info.installed_on ?? ""} onChange={(e) => set({ installed_on: e.target.value || null })} />
        </label>
        <label>
          {t("warrantyUntil")}
          <input type="date" value={info.warranty_until ?? ""} onChange={(e) => set({ warranty_until: e.target.value || null })} />
        </label>
        <label>
          {t("maintenanceEvery")}
          <input
            type="number"
            min={1}
            max={3650}
            value={info.maintenance_interval_days ?? ""}
            onChange={(e) => set({ maintenance_interval_days: e.target.value === "" ? null : Number(e.target.value) })}
          />
        </label>
      </div>
      <label>
        {t("project")}
        <select value={info.project_id ?? ""} onChange={(e) => set({ project_id: e.target.value || null })} disabled={!info.customer_id}>
          <option value="">{t("noProject")}</option>
          {projects.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("notes")}
        <textarea rows={2} value={info.notes} onChange={(e) => set({ notes: e.target.value })} />
      </label>
      <ErrorNote error={error} />
      <CreateCancel onCancel={onCancel} editing={!!existing} />
    </form>
  );
}

/** The completed orders that named a machine, newest first (from the business records). */
export function ServiceHistory({ equipmentId, onOpen }: { equipmentId: string; onOpen?: (orderId: string) => void }) {
  const { t, formatShort } = useI18n();
  const records = useLoad((b) => b.listRecords({ equipment_id: equipmentId }), [equipmentId]);
  return (
    <div className="history" data-testid="service-history">
      <ErrorNote error={records.error} />
      {records.data?.length === 0 && <p className="muted">{t("noHistory")}</p>}
      <ul className="plain">
        {records.data?.map((r) => (
          <li key={r.order_id}>
            {onOpen ? (
              <button className="link" onClick={() => onOpen(r.order_id)}>
                {r.display_number}
              </button>
            ) : (
              <span className="mono">{r.display_number}</span>
            )}{" "}
            <span className="muted">{formatShort(r.completed_at)}</span> · {t(`record.${r.order_type}`)}
            {r.resolution && <div className="clamp">{r.resolution}</div>}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** One machine: its facts, editing, and its service history. */
export function EquipmentDetail({ id, onOpenOrder, onChanged }: { id: string; onOpenOrder: (orderId: string) => void; onChanged: () => void }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const machine = useLoad((b) => b.listEquipment({}).then((all) => all.find((e) => e.id === id) ?? null), [id, editing]);
  const e = machine.data;
  if (!e) return <ErrorNote error={machine.error} />;
  if (editing)
    return (
      <EquipmentForm
        existing={e}
        onDone={() => {
          setEditing(false);
          onChanged();
        }}
        onCancel={() => setEditing(false)}
      />
    );
  return (
    <article className="detail" aria-label={e.name}>
      <header className="detail-head">
        <h2>{e.name}</h2>
        <button onClick={() => setEditing(true)}>{t("edit")}</button>
      </header>
      <dl className="facts">
        <dt>{t("model")}</dt>
        <dd>{e.model || "—"}</dd>
        <dt>{t("serial")}</dt>
        <dd className="mono">{e.serial || "—"}</dd>
        <dt>{t("customer")}</dt>
        <dd>
          {e.customer_name} · {e.site_name}
        </dd>
        <dt>{t("project")}</dt>
        <dd>{e.project_name ?? "—"}</dd>
        <dt>{t("installedOn")}</dt>
        <dd>{e.installed_on ?? "—"}</dd>
        <dt>{t("warrantyUntil")}</dt>
        <dd>
          {e.warranty_until ?? "—"} <WarrantyBadge expired={e.warranty_expired} />
        </dd>
        <dt>{t("maintenanceEvery")}</dt>
        <dd>{e.maintenance_interval_days ?? "—"}</dd>
        {e.notes && (
          <>
            <dt>{t("notes")}</dt>
            <dd>{e.notes}</dd>
          </>
        )}
      </dl>
      <h3>{t("serviceHistory")}</h3>
      <ServiceHistory equipmentId={e.id} onOpen={onOpenOrder} />
      <MachinePortalPanel machine={e} />
    </article>
  );
}

/** The machines an order names, each with its service history one tap away (tablet and desktop). */
export function OrderMachines({ machines }: { machines: EquipmentView[] }) {
  const { t } = useI18n();
  const [open, setOpen] = useState<string | null>(null);
  return (
    <ul className="plain" data-testid="order-machines">
      {machines.map((m) => (
        <li key={m.id}>
          <strong>{m.name}</strong>{" "}
          <span className="muted">
            {m.model} · <span className="mono">{m.serial}</span>
          </span>{" "}
          <WarrantyBadge expired={m.warranty_expired} />{" "}
          <button className="link" aria-expanded={open === m.id} onClick={() => setOpen(open === m.id ? null : m.id)}>
            {t("serviceHistory")} ({m.service_count})
          </button>
          {open === m.id && <ServiceHistory equipmentId={m.id} />}
        </li>
      ))}
    </ul>
  );
}
