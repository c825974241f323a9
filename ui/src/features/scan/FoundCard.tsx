import { OrderCards } from "../orders/OrderCards";
import type { EquipmentView, PartView } from "../../backend";
import { useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { WarrantyBadge } from "../places/EquipmentViews";
import type { Found } from "./ScanBox";

/** A scanned part: where this device knows it is stocked. */
function PartFound({ part }: { part: PartView }) {
  const { t, lang } = useI18n();
  const levels = useLoad((b) => b.stockLevels(null, part.id), [part.id]);
  return (
    <>
      <h3>
        {part.sku} · {lang === "zh-CN" || !part.name_en ? part.name_zh : part.name_en}
      </h3>
      <ErrorNote error={levels.error} />
      <ul className="plain">
        {levels.data?.map((l) => (
          <li key={l.location_id}>
            {l.location_name}: <strong>{l.level}</strong> {l.unit}
          </li>
        ))}
        {levels.data?.length === 0 && <li className="muted">{t("noStockAnywhere")}</li>}
      </ul>
    </>
  );
}

/** A scanned machine: what it is, where, its warranty, and its orders on this device. */
function MachineFound({ machine, onOpenOrder }: { machine: EquipmentView; onOpenOrder: (id: string) => void }) {
  const { t } = useI18n();
  const orders = useLoad((b) => b.listOrders({ equipment_id: machine.id }), [machine.id]);
  return (
    <>
      <h3>
        {machine.name} · {machine.model}
      </h3>
      <div className="muted">
        {machine.serial} · {machine.customer_name ?? "—"} · {machine.site_name ?? "—"}
      </div>
      <div>
        {t("warrantyUntil")}: {machine.warranty_until ?? "—"} <WarrantyBadge expired={machine.warranty_expired} />
      </div>
      <ErrorNote error={orders.error} />
      {orders.data?.length === 0 && <p className="muted">{t("noOrdersForMachine")}</p>}
      <OrderCards orders={orders.data ?? []} onOpen={onOpenOrder} />
    </>
  );
}

/** What a scan found, with a way to close it. */
export function FoundCard({ found, onOpenOrder, onClose }: { found: Found; onOpenOrder: (id: string) => void; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <section className="detail found" aria-label={t("scanFound")} data-testid="scan-found">
      {found.kind === "part" ? <PartFound part={found.part} /> : <MachineFound machine={found.equipment} onOpenOrder={onOpenOrder} />}
      <button type="button" onClick={onClose}>
        {t("close")}
      </button>
    </section>
  );
}
