import { useState, type FormEvent } from "react";
import type { BackendError, OrderDetail, OrderType, Priority } from "../../backend";
import { PRIORITIES, toError } from "../../backend";
import { useBackend, useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { CreateCancel, CustomerSelect, OrderTypeSelect } from "../../shared/FormParts";

function toMs(local: string): number | null {
  if (!local) return null;
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/** A new order; `customerId` preselects a customer (the one just created from the form). */
export function OrderForm({ onDone, onCancel, customerId: chosen }: { onDone: (o: OrderDetail) => void; onCancel: () => void; customerId?: string }) {
  const backend = useBackend();
  const { t } = useI18n();
  const customers = useLoad((b) => b.listCustomers(), []).data ?? [];
  const [customerId, setCustomerId] = useState(chosen ?? "");
  const [siteId, setSiteId] = useState("");
  const [orderType, setOrderType] = useState<OrderType>("repair");
  const [priority, setPriority] = useState<Priority>("normal");
  const [description, setDescription] = useState("");
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const [equipmentIds, setEquipmentIds] = useState<string[]>([]);
  const [projectId, setProjectId] = useState("");
  const [error, setError] = useState<BackendError | null>(null);
  const customer = customers.find((c) => c.id === customerId);
  const machines = useLoad((b) => (customerId ? b.listEquipment({ customer_id: customerId }) : Promise.resolve([])), [customerId]).data ?? [];
  const projects = useLoad((b) => (customerId ? b.listProjects(customerId) : Promise.resolve([])), [customerId]).data ?? [];
  const toggleMachine = (id: string, on: boolean) => setEquipmentIds((ids) => (on ? [...ids, id] : ids.filter((x) => x !== id)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      onDone(
        await backend.createOrder({
          order_type: orderType,
          priority,
          customer_id: customerId,
          site_id: siteId || customer?.sites[0]?.id || "",
          description,
          equipment_ids: equipmentIds,
          project_id: projectId || null,
          scheduled_start: toMs(start),
          scheduled_end: toMs(end),
        }),
      );
    } catch (err) {
      setError(toError(err));
    }
  };

  return (
    <form className="card form" onSubmit={submit} aria-label={t("newOrder")}>
      <h2>{t("newOrder")}</h2>
      <CustomerSelect
        customers={customers}
        value={customerId}
        onChange={(id) => {
          setCustomerId(id);
          setSiteId("");
          setEquipmentIds([]);
          setProjectId("");
        }}
      />
      {customer && customer.sites.length > 1 && (
        <label>
          {t("site")}
          <select value={siteId} onChange={(e) => setSiteId(e.target.value)}>
            {customer.sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {machines.length > 0 && (
        <fieldset className="checks" aria-label={t("equipment")}>
          <legend>{t("equipment")}</legend>
          {machines.map((m) => (
            <label key={m.id}>
              <input type="checkbox" checked={equipmentIds.includes(m.id)} onChange={(e) => toggleMachine(m.id, e.target.checked)} />
              {m.name} <span className="muted">{m.serial}</span>
            </label>
          ))}
        </fieldset>
      )}
      {projects.length > 0 && (
        <label>
          {t("project")}
          <select value={projectId} onChange={(e) => setProjectId(e.target.value)}>
            <option value="">{t("noProject")}</option>
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="row">
        <OrderTypeSelect value={orderType} onChange={setOrderType} />
        <label>
          {t("priority")}
          <select value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {t(`priority.${p}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label>
        {t("description")}
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={4} required />
      </label>
      <div className="row">
        <label>
          {t("start")}
          <input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
        </label>
        <label>
          {t("end")}
          <input type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} />
        </label>
      </div>
      <ErrorNote error={error} />
      <CreateCancel onCancel={onCancel} />
    </form>
  );
}
