import type { OrderDetail } from "../backend";
import { useBackend } from "../context";
import { useI18n } from "../i18n";

export function ChecklistPanel({ order, editable, run, large }: { order: OrderDetail; editable: boolean; run: (a: () => Promise<OrderDetail>) => Promise<boolean>; large?: boolean }) {
  const backend = useBackend();
  const { t } = useI18n();
  return (
    <section className={large ? "checklist big-checks" : "checklist"} aria-label={t("checklist")}>
      <h3>{t("checklist")}</h3>
      {order.checklist.map((item) => (
        <label key={item.id} className="check">
          <input type="checkbox" checked={item.done} disabled={!editable} onChange={(e) => run(() => backend.setChecklistItem(order.id, item.id, e.target.checked))} />
          {item.label}
          {item.required && <span className="muted"> ({t("required")})</span>}
        </label>
      ))}
    </section>
  );
}
