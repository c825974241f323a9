import { useState } from "react";
import type { OrderDetail } from "../../backend";
import { useBackend } from "../../context";
import { useI18n } from "../../i18n";

/**
 * What the customer asked for on the portal, and the supervisor's answers: take the request
 * on, decline it with a reason the customer sees, or tell the customer something on their
 * tracking page. The customer's own rating shows here too.
 */
export function CustomerRequestPanel({ order, run }: { order: OrderDetail; run: (action: () => Promise<OrderDetail>) => Promise<boolean> }) {
  const backend = useBackend();
  const { t } = useI18n();
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState("");
  const [message, setMessage] = useState("");
  const request = order.request;
  if (!request) return null;
  const can = (a: OrderDetail["actions"][number]) => order.actions.includes(a);
  return (
    <section className="customer-request" aria-label={t("customerRequest")} data-testid="customer-request">
      <h3>{t("customerRequest")}</h3>
      <dl className="facts">
        <dt>{t("contactName")}</dt>
        <dd>{request.contact_name}</dd>
        <dt>{t("phone")}</dt>
        <dd>
          <a href={`tel:${request.contact_phone.replace(/[^\d+]/g, "")}`}>{request.contact_phone}</a>
        </dd>
        {request.contact_email && (
          <>
            <dt>{t("email")}</dt>
            <dd>{request.contact_email}</dd>
          </>
        )}
        {request.preferred_time && (
          <>
            <dt>{t("preferredTime")}</dt>
            <dd>{request.preferred_time}</dd>
          </>
        )}
        <dt>{t("requestVia")}</dt>
        <dd>{request.via === "machine" ? t("requestVia.machine") : t("requestVia.customer")}</dd>
        {order.customer_rating && (
          <>
            <dt>{t("customerRating")}</dt>
            <dd data-testid="customer-rating">
              {"★".repeat(order.customer_rating[0])} {order.customer_rating[1]}
            </dd>
          </>
        )}
      </dl>
      {can("accept_request") && !declining && (
        <div className="actions">
          <button className="primary" onClick={() => void run(() => backend.acceptRequest(order.id))}>
            {t("acceptRequest")}
          </button>
          <button className="danger" onClick={() => setDeclining(true)}>
            {t("declineRequest")}
          </button>
        </div>
      )}
      {declining && (
        <div className="inline-form">
          <label>
            {t("declineReason")}
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <div className="actions">
            <button className="danger" onClick={() => void run(() => backend.cancelOrder(order.id, reason)).then((ok) => ok && setDeclining(false))}>
              {t("declineRequest")}
            </button>
            <button onClick={() => setDeclining(false)}>{t("cancel")}</button>
          </div>
        </div>
      )}
      {can("share_with_customer") && (
        <div className="inline-form">
          <label>
            {t("shareWithCustomer")}
            <textarea value={message} placeholder={t("shareHint")} onChange={(e) => setMessage(e.target.value)} />
          </label>
          <div className="actions">
            <button disabled={!message.trim()} onClick={() => void run(() => backend.shareWithCustomer(order.id, message)).then((ok) => ok && setMessage(""))}>
              {t("share")}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
