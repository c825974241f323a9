import { formatMoney } from "../backend/money";
import { useLoad } from "../context";
import { useI18n } from "../i18n";
import { ErrorNote } from "./ErrorNote";
import { StatusBadge } from "./StatusBadge";

/** Completed and settled orders with their charges, costs and gross profit (费用核算). */
export function SettlementView({ onOpen }: { onOpen: (id: string) => void }) {
  const { t, lang } = useI18n();
  const orders = useLoad((b) => b.listOrders({ statuses: ["completed", "settled"] }), []);
  const rows = orders.data ?? [];
  const money = (minor: number, currency: string | null) => formatMoney(minor, currency, lang);
  const currency = rows.find((o) => o.currency)?.currency ?? null;
  // Totals add up one currency only; orders in another currency are listed but not summed.
  const sum = (pick: (o: (typeof rows)[number]) => number) => rows.filter((o) => o.currency === currency || o.currency === null).reduce((acc, o) => acc + pick(o), 0);
  return (
    <>
      <ErrorNote error={orders.error} />
      <table className="orders" aria-label={t("tab.settlement")}>
        <thead>
          <tr>
            <th>{t("orderNumber")}</th>
            <th>{t("customer")}</th>
            <th>{t("status")}</th>
            <th className="num">{t("chargesNet")}</th>
            <th className="num">{t("costsTotal")}</th>
            <th className="num">{t("grossProfit")}</th>
            <th className="num">{t("margin")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((o) => (
            <tr key={o.id} onClick={() => onOpen(o.id)} tabIndex={0} onKeyDown={(e) => e.key === "Enter" && onOpen(o.id)}>
              <td className="mono nowrap">{o.display_number}</td>
              <td>{o.customer_name ?? "—"}</td>
              <td>
                <StatusBadge status={o.status} />
              </td>
              <td className="num">{money(o.charges_net, o.currency)}</td>
              <td className="num">{money(o.costs_total, o.currency)}</td>
              <td className="num">{money(o.gross_profit, o.currency)}</td>
              <td className="num">{o.charges_net ? `${((o.gross_profit / o.charges_net) * 100).toFixed(1)} %` : "—"}</td>
            </tr>
          ))}
        </tbody>
        {rows.length > 0 && (
          <tfoot>
            <tr>
              <th colSpan={3}>{t("total")}</th>
              <th className="num">{money(sum((o) => o.charges_net), currency)}</th>
              <th className="num">{money(sum((o) => o.costs_total), currency)}</th>
              <th className="num" data-testid="settlement-profit">
                {money(sum((o) => o.gross_profit), currency)}
              </th>
              <th />
            </tr>
          </tfoot>
        )}
      </table>
      {rows.length === 0 && <p className="muted">{t("noSettlement")}</p>}
    </>
  );
}
