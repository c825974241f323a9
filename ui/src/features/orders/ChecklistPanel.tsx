import { useState } from "react";
import type { OrderDetail } from "../../backend";
import { useBackend } from "../../context";
import { useI18n } from "../../i18n";

export function ChecklistPanel({ order, editable, run, large }: { order: OrderDetail; editable: boolean; run: (a: () => Promise<OrderDetail>) => Promise<boolean>; large?: boolean }) {
  const backend = useBackend();
  const { t } = useI18n();
  // A tick shows at once, while the device records it; the order's own state takes over after.
  const [ticking, setTicking] = useState<Record<string, boolean>>({});
  const tick = async (itemId: string, done: boolean) => {
    setTicking((m) => ({ ...m, [itemId]: done }));
    await run(() => backend.setChecklistItem(order.id, itemId, done));
    setTicking((m) => {
      const rest = { ...m };
      delete rest[itemId];
      return rest;
    });
  };
  return (
    <section className={large ? "checklist big-checks" : "checklist"} aria-label={t("checklist")}>
      <h3>{t("checklist")}</h3>
      {order.checklist.map((item) => (
        <label key={item.id} className="check">
          <input type="checkbox" checked={ticking[item.id] ?? item.done} disabled={!editable} onChange={(e) => void tick(item.id, e.target.checked)} />
          {item.label}
          {item.required && <span className="muted"> ({t("required")})</span>}
        </label>
      ))}
    </section>
  );
}
