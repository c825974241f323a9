import type { OrderDetail } from "../../backend";
import { useI18n } from "../../i18n";
import { FenceBadge, PlaceLine } from "../field/PositionPanel";

/**
 * The technician's next step at the top of the order: what to do now and, on site, what is
 * still needed before completion (from the device's own list); right after a check-in, its
 * geofence verdict and place.
 */
export function NextStep({ order }: { order: OrderDetail }) {
  const { t } = useI18n();
  const can = (a: OrderDetail["actions"][number]) => order.actions.includes(a);
  const lastCheckIn = [...order.check_ins].reverse().find((c) => c.kind === "checked_in");
  const onSite = order.underlying_status === "on_site" || order.underlying_status === "checked_out";
  let step: string | null = null;
  if (can("accept")) step = t("next.accept");
  else if (can("check_in")) step = t("next.checkIn");
  else if (can("complete")) step = order.missing_required.length ? t("missingRequired", { items: order.missing_required.join(t("listSeparator")) }) : t("next.complete");
  if (!step && !(onSite && lastCheckIn)) return null;
  return (
    <div className="next-step" role="status" data-testid="next-step">
      {step && <strong>{step}</strong>}
      {onSite && lastCheckIn && (
        <div className="muted">
          {t("next.checkedIn")} <FenceBadge order={order} eventId={lastCheckIn.event_id} />
          <PlaceLine order={order} eventId={lastCheckIn.event_id} />
        </div>
      )}
    </div>
  );
}
