import type { OrderDetail, UserInfo } from "../../backend";
import { userName } from "../../context";
import { useI18n } from "../../i18n";
import { FenceBadge, PlaceLine } from "../field/PositionPanel";

export function Timeline({ order, directory }: { order: OrderDetail; directory: UserInfo[] }) {
  const { t, formatTime } = useI18n();
  const names = (ids: string[]) => ids.map((id) => userName(directory, id)).join(", ");
  return (
    <>
      <h3>{t("timeline")}</h3>
      <ol className="timeline">
        {order.events.map((e) => (
          <li key={e.id} className={order.conflict_events.includes(e.id) ? "conflicting" : ""}>
            <time title={t("deviceTime")}>{formatTime(e.at)}</time>{" "}
            {t(`event.${e.kind}`, {
              who: e.by === "customer" ? t("theCustomer") : userName(directory, e.by),
              to: names(e.to ?? []),
              reason: e.reason ?? "",
              note: e.note ?? "",
              resolution: e.resolution ?? "",
              stars: e.stars ?? "",
              comment: e.comment ?? "",
            })}
            {(e.kind === "checked_in" || e.kind === "checked_out") && (
              <>
                {" "}
                <FenceBadge order={order} eventId={e.id} />
                <PlaceLine order={order} eventId={e.id} />
                {e.position && (
                  <details className="coords">
                    <summary>{t("coordinates")}</summary>
                    <span className="mono">
                      {e.position.lat.toFixed(5)}, {e.position.lon.toFixed(5)}
                    </span>{" "}
                    · {t(e.position.source === "manual" ? "typedByHand" : "fromDevice")}
                  </details>
                )}
              </>
            )}
            <span className="muted received"> · {order.received[e.id] ? t("receivedAt", { time: formatTime(order.received[e.id]) }) : t("notReceived")}</span>
          </li>
        ))}
      </ol>
    </>
  );
}
