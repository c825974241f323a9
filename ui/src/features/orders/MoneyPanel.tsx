import { useState } from "react";
import type { ChargeKind, CostKind, OrderDetail } from "../../backend";
import { CHARGE_KINDS, COST_KINDS, toError } from "../../backend";
import { formatMoney, parseDecimal } from "../../format";
import { useBackend } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";

const CURRENCY = "CNY";

/** Charge lines (technician), cost lines (supervisor) and the order's totals and profit. */
export function MoneyPanel({ order, run }: { order: OrderDetail; run: (a: () => Promise<OrderDetail>) => Promise<boolean> }) {
  const backend = useBackend();
  const { t, lang } = useI18n();
  const money = (minor: number, currency: string | null = order.totals.currency) => formatMoney(minor, currency, lang);
  const [charge, setCharge] = useState({ kind: "service_fee" as ChargeKind, description: "", qty: "1", price: "", discount: "0", tax: "6" });
  const [cost, setCost] = useState({ kind: "parts_cost" as CostKind, description: "", qty: "1", price: "" });
  const [rate, setRate] = useState("");
  const [error, setError] = useState<ReturnType<typeof toError> | null>(null);
  const canCharge = order.actions.includes("worksheet");
  const canCost = order.actions.includes("costs");
  if (!canCharge && !canCost && order.charges.length === 0 && order.costs.length === 0) return null;

  const number = (text: string, scale: number, what: string) => {
    const n = parseDecimal(text, scale);
    if (Number.isNaN(n)) throw toError({ code: "invalid_input", message: `${what}: '${text}'` });
    return n;
  };
  const guarded = async (make: () => () => Promise<OrderDetail>) => {
    setError(null);
    try {
      const action = make();
      return await run(action);
    } catch (e) {
      setError(toError(e));
      return false;
    }
  };
  const addCharge = async () => {
    const ok = await guarded(() => {
      const input = {
        kind: charge.kind,
        description: charge.description,
        quantity_milli: number(charge.qty, 3, t("quantity")),
        unit_price_minor: number(charge.price, 2, t("unitPrice")),
        discount_bp: number(charge.discount, 2, t("discountPct")),
        tax_rate_bp: number(charge.tax, 2, t("taxPct")),
        currency: CURRENCY,
      };
      return () => backend.putCharge(order.id, null, input);
    });
    if (ok) setCharge({ ...charge, description: "", price: "" });
  };
  const addCost = async () => {
    const ok = await guarded(() => {
      const input = { kind: cost.kind, description: cost.description, quantity_milli: number(cost.qty, 3, t("quantity")), unit_cost_minor: number(cost.price, 2, t("unitCost")), currency: CURRENCY };
      return () => backend.putCost(order.id, null, input);
    });
    if (ok) setCost({ ...cost, description: "", price: "" });
  };

  return (
    <section className="money" aria-label={t("charges")}>
      <h3>{t("charges")}</h3>
      <table className="lines">
        <tbody>
          {order.charges.map((c) => (
            <tr key={c.id}>
              <td>{t(`charge.${c.kind}`)}</td>
              <td>{c.description}</td>
              <td className="num">{c.quantity_milli / 1000} × {money(c.unit_price_minor, c.currency)}</td>
              <td className="num">{money(c.amounts.total, c.currency)}</td>
              <td>{canCharge && <button className="link" onClick={() => run(() => backend.deleteCharge(order.id, c.id))}>{t("remove")}</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {canCharge && (
        <div className="line-form" aria-label={t("addCharge")}>
          <select aria-label={t("kind")} value={charge.kind} onChange={(e) => setCharge({ ...charge, kind: e.target.value as ChargeKind })}>
            {CHARGE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`charge.${k}`)}
              </option>
            ))}
          </select>
          <label className="mini">
            {t("description")}
            <input placeholder={t("description")} value={charge.description} onChange={(e) => setCharge({ ...charge, description: e.target.value })} />
          </label>
          <label className="mini">
            {t("quantity")}
            <input inputMode="decimal" value={charge.qty} onChange={(e) => setCharge({ ...charge, qty: e.target.value })} />
          </label>
          <label className="mini">
            {t("unitPrice")}
            <input inputMode="decimal" placeholder={t("unitPrice")} value={charge.price} onChange={(e) => setCharge({ ...charge, price: e.target.value })} />
          </label>
          <label className="mini">
            {t("discountPct")}
            <input inputMode="decimal" value={charge.discount} onChange={(e) => setCharge({ ...charge, discount: e.target.value })} />
          </label>
          <label className="mini">
            {t("taxPct")}
            <input inputMode="decimal" value={charge.tax} onChange={(e) => setCharge({ ...charge, tax: e.target.value })} />
          </label>
          <button onClick={addCharge}>{t("addCharge")}</button>
        </div>
      )}
      {order.sees_costs && (canCost || order.costs.length > 0) && (
        <>
          <h3>{t("costs")}</h3>
          <table className="lines">
            <tbody>
              {order.costs.map((c) => (
                <tr key={c.id}>
                  <td>{t(`cost.${c.kind}`)}</td>
                  <td>{c.description}</td>
                  <td className="num">
                    {c.quantity_milli / 1000} × {money(c.unit_cost_minor, c.currency)}
                    {c.catalogue_cost_minor != null && (
                      <div className="badge warn" data-testid="catalogue-cost">
                        {t("catalogueCostNow", { cost: money(c.catalogue_cost_minor, c.currency) })}
                      </div>
                    )}
                  </td>
                  <td className="num">{money(c.amount, c.currency)}</td>
                  <td>{canCost && <button className="link" onClick={() => run(() => backend.deleteCost(order.id, c.id))}>{t("remove")}</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {canCost && (
            <div className="line-form" aria-label={t("addCost")}>
              <select aria-label={t("kind")} value={cost.kind} onChange={(e) => setCost({ ...cost, kind: e.target.value as CostKind })}>
                {COST_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`cost.${k}`)}
                  </option>
                ))}
              </select>
              <label className="mini">
                {t("description")}
                <input placeholder={t("description")} value={cost.description} onChange={(e) => setCost({ ...cost, description: e.target.value })} />
              </label>
              <label className="mini">
                {t("quantity")}
                <input inputMode="decimal" value={cost.qty} onChange={(e) => setCost({ ...cost, qty: e.target.value })} />
              </label>
              <label className="mini">
                {t("unitCost")}
                <input inputMode="decimal" placeholder={t("unitCost")} value={cost.price} onChange={(e) => setCost({ ...cost, price: e.target.value })} />
              </label>
              <button onClick={addCost}>{t("addCost")}</button>
            </div>
          )}
          {canCost && order.on_site_ms > 0 && (
            <div className="line-form">
              <span className="muted">{t("onSite", { h: (order.on_site_ms / 3_600_000).toFixed(2) })}</span>
              <label className="mini">
                {t("ratePerHour")}
                <input placeholder={t("ratePerHour")} inputMode="decimal" value={rate} onChange={(e) => setRate(e.target.value)} />
              </label>
              <button onClick={() => guarded(() => { const r = number(rate, 2, t("ratePerHour")); return () => backend.addLabourCost(order.id, r, CURRENCY); })}>{t("labourFromSite")}</button>
            </div>
          )}
        </>
      )}
      <ErrorNote error={error} />
      <dl className="totals" data-testid="totals">
        <dt>{t("chargesNet")}</dt>
        <dd>{money(order.totals.charges_net)}</dd>
        <dt>{t("tax")}</dt>
        <dd>{money(order.totals.charges_tax)}</dd>
        <dt>{t("chargesTotal")}</dt>
        <dd data-testid="charges-total">{money(order.totals.charges_total)}</dd>
        {order.sees_costs && (
          <>
            <dt>{t("costsTotal")}</dt>
            <dd>{order.costs_missing ? <span className="badge warn">{t("noCostsEntered")}</span> : money(order.totals.costs_total)}</dd>
            <dt>{t("grossProfit")}</dt>
            <dd data-testid="gross-profit">{order.costs_missing ? "—" : money(order.totals.gross_profit)}</dd>
            <dt>{t("margin")}</dt>
            <dd data-testid="margin">{order.costs_missing || order.totals.margin_bp === null ? "—" : `${(order.totals.margin_bp / 100).toFixed(1)} %`}</dd>
          </>
        )}
      </dl>
    </section>
  );
}
