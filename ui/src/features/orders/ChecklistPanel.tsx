import { useEffect, useState } from "react";
import type { OrderDetail } from "../../backend";
import { useBackend } from "../../context";
import { useI18n } from "../../i18n";

export function ChecklistPanel({ order, editable, run, large }: { order: OrderDetail; editable: boolean; run: (a: () => Promise<OrderDetail>) => Promise<boolean>; large?: boolean }) {
  const backend = useBackend();
  const { t, lang } = useI18n();
  // A tick shows at once and stays until the order itself shows it (the reload after a write can
  // arrive later than the write's answer); a refused tick goes back to what the order says.
  const [ticking, setTicking] = useState<Record<string, boolean>>({});
  const forget = (itemId: string) =>
    setTicking((m) => {
      const rest = { ...m };
      delete rest[itemId];
      return rest;
    });
  useEffect(() => {
    setTicking((m) => {
      const pending = Object.entries(m).filter(([id, done]) => order.checklist.some((i) => i.id === id && i.done !== done));
      return pending.length === Object.keys(m).length ? m : Object.fromEntries(pending);
    });
  }, [order.checklist]);
  const tick = async (itemId: string, done: boolean) => {
    setTicking((m) => ({ ...m, [itemId]: done }));
    if (!(await run(() => backend.setChecklistItem(order.id, itemId, done)))) forget(itemId);
  };
  return (
    <section className={large ? "checklist big-checks" : "checklist"} aria-label={t("checklist")}>
      <h3>{t("checklist")}</h3>
      {order.checklist.map((item) => (
        <label key={item.id} className="check">
          <input type="checkbox" checked={ticking[item.id] ?? item.done} disabled={!editable} onChange={(e) => void tick(item.id, e.target.checked)} />
          <span title={item.label}>{(lang === "zh-CN" ? item.label_zh : item.label_en) ?? item.label}</span>
          {item.required && <span className="muted"> ({t("required")})</span>}
        </label>
      ))}
    </section>
  );
}
