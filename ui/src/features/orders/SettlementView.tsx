import { formatMoney } from "../../format";
import { useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { StatusBadge } from "./StatusBadge";

/** Completed and settled orders with their charges, costs and gross profit (费用核算). */
export function SettlementView({ onOpen }: { onOpen: (id: string) => void }) {
  const { t, lang } = useI18n();
  const settlement = useLoad((b) => b.settlement(), []);
  const rows = settlement.data?.rows ?? [];
  const totals = settlement.data?.totals ?? [];
  const money = (minor: number, currency: string | null) => formatMoney(minor, currency, lang);
  return (
    <>
      <ErrorNote error={settlement.error} />
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
              <td className="num">{o.margin_bp === null ? "—" : `${(o.margin_bp / 100).toFixed(1)} %`}</td>
            </tr>
          ))}
        </tbody>
        {totals.length > 0 && (
          <tfoot>
            {totals.map((s) => (
              <tr key={s.currency}>
                <th colSpan={3}>
                  {t("total")} {totals.length > 1 ? s.currency : ""}
                </th>
                <th className="num">{money(s.charges_net, s.currency)}</th>
                <th className="num">{money(s.costs_total, s.currency)}</th>
                <th className="num" data-testid="settlement-profit">
                  {money(s.gross_profit, s.currency)}
                </th>
                <th />
              </tr>
            ))}
          </tfoot>
        )}
      </table>
      {rows.length === 0 && <p className="muted">{t("noSettlement")}</p>}
    </>
  );
}
