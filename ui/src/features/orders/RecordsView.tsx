import { useState } from "react";
import type { OrderType, UserInfo } from "../../backend";
import { ORDER_TYPES } from "../../backend";
import { formatMoney } from "../../format";
import { useLoad, userName } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { DateRange, TechnicianFilter } from "../../shared/FormParts";

function dayStart(date: string): number | null {
  if (!date) return null;
  const ms = new Date(`${date}T00:00:00`).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/** The business-record archive (业务记录): completed orders by type, customer, technician, period and text. */
export function RecordsView({ directory, onOpen }: { directory: UserInfo[]; onOpen: (id: string) => void }) {
  const { t, lang, formatShort } = useI18n();
  const [text, setText] = useState("");
  const [orderType, setOrderType] = useState<OrderType | "">("");
  const [customer, setCustomer] = useState("");
  const [technician, setTechnician] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [machine, setMachine] = useState("");
  const customers = useLoad((b) => b.listCustomers(), []).data ?? [];
  const machines = useLoad((b) => b.listEquipment({ customer_id: customer || null }), [customer]).data ?? [];
  const toMs = dayStart(to);
  const records = useLoad(
    (b) =>
      b.listRecords({
        text: text || null,
        order_type: orderType || null,
        customer_id: customer || null,
        equipment_id: machine || null,
        technician: technician || null,
        from: dayStart(from),
        to: toMs === null ? null : toMs + 86_400_000,
      }),
    [text, orderType, customer, machine, technician, from, to],
  );
  return (
    <>
      <div className="filters records-filters">
        <input type="search" placeholder={t("searchRecords")} aria-label={t("searchRecords")} value={text} onChange={(e) => setText(e.target.value)} />
        <select aria-label={t("type")} value={orderType} onChange={(e) => setOrderType(e.target.value as OrderType | "")}>
          <option value="">{t("allTypes")}</option>
          {ORDER_TYPES.map((ty) => (
            <option key={ty} value={ty}>
              {t(`record.${ty}`)}
            </option>
          ))}
        </select>
        <select aria-label={t("customer")} value={customer} onChange={(e) => setCustomer(e.target.value)}>
          <option value="">{t("allCustomers")}</option>
          {customers.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <select aria-label={t("equipment")} value={machine} onChange={(e) => setMachine(e.target.value)}>
          <option value="">{t("allEquipment")}</option>
          {machines.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name} · {m.serial}
            </option>
          ))}
        </select>
        <TechnicianFilter directory={directory} value={technician} onChange={setTechnician} />
        <DateRange from={from} to={to} onFrom={setFrom} onTo={setTo} />
      </div>
      <ErrorNote error={records.error} />
      <table className="orders" aria-label={t("tab.records")}>
        <thead>
          <tr>
            <th>{t("orderNumber")}</th>
            <th>{t("type")}</th>
            <th>{t("customer")}</th>
            <th>{t("resolution")}</th>
            <th>{t("assignees")}</th>
            <th>{t("completedAt")}</th>
            <th className="num">{t("chargesTotal")}</th>
          </tr>
        </thead>
        <tbody>
          {records.data?.map((r) => (
            <tr key={r.order_id} onClick={() => onOpen(r.order_id)} tabIndex={0} onKeyDown={(e) => e.key === "Enter" && onOpen(r.order_id)}>
              <td className="mono nowrap">{r.display_number}</td>
              <td>{t(`record.${r.order_type}`)}</td>
              <td>
                {r.customer_name ?? "—"}
                <div className="muted clamp">{r.description}</div>
              </td>
              <td className="clamp">{r.resolution}</td>
              <td>{r.technicians.map((u) => userName(directory, u)).join(", ")}</td>
              <td className="nowrap">{formatShort(r.completed_at)}</td>
              <td className="num">{formatMoney(r.charges_total, r.currency, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {records.data?.length === 0 && <p className="muted">{t("noRecords")}</p>}
    </>
  );
}
