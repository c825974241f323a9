import { useState } from "react";
import { useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";

/** Every customer this device knows, searched by name, region, contact or site. */
export function CustomerList({ onOpen, onNew, selectedId }: { onOpen: (id: string) => void; onNew: () => void; selectedId: string | null }) {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const list = useLoad((b) => b.searchCustomers(text), [text]);
  return (
    <>
      <div className="toolbar">
        <button className="primary" onClick={onNew}>
          + {t("newCustomer")}
        </button>
      </div>
      <div className="filters">
        <input type="search" placeholder={t("searchCustomers")} value={text} onChange={(e) => setText(e.target.value)} aria-label={t("searchCustomers")} />
      </div>
      <ErrorNote error={list.error} />
      <table className="orders" aria-label={t("tab.customers")}>
        <thead>
          <tr>
            <th>{t("customer")}</th>
            <th>{t("region")}</th>
            <th>{t("contactName")}</th>
            <th>{t("phone")}</th>
            <th>{t("sites")}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.map((c) => {
            const main = c.contacts[0];
            return (
              <tr key={c.id} className={c.id === selectedId ? "selected" : ""} onClick={() => onOpen(c.id)} tabIndex={0} onKeyDown={(k) => k.key === "Enter" && onOpen(c.id)}>
                <td>
                  {c.name}
                  {c.pending && <span className="dot-pending" title={t("notSynced")} />}
                </td>
                <td>{c.region || "—"}</td>
                <td>{main ? [main.name, main.role, main.phone].filter(Boolean).join(" · ") : "—"}</td>
                <td className="nowrap">{c.phone || "—"}</td>
                <td>{c.sites.map((s) => s.name).join(", ")}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {list.data?.length === 0 && <p className="muted">{text ? t("noCustomersMatch") : t("noCustomers")}</p>}
    </>
  );
}
