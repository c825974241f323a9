import { lazy, Suspense, useMemo, useState } from "react";
import type { OrderDetail, Status, UserInfo } from "../../backend";
import { useLoad, userName } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import type { MapPoint } from "./MapView";
import { fenceText } from "./PositionPanel";

// Leaflet loads only when a map is on screen.
const MapView = lazy(() => import("./MapView"));

export const STATUS_COLOR: Record<Status, string> = {
  requested: "#d84315",
  new: "#6b7785",
  dispatched: "#1565c0",
  accepted: "#2e7d32",
  rejected: "#b26a00",
  conflict: "#c62828",
  travelling: "#5a3fc0",
  on_site: "#5a3fc0",
  checked_out: "#5a3fc0",
  completed: "#2e7d32",
  settled: "#2d3748",
  cancelled: "#999999",
};
const VERIFIED = "#2e7d32";
const FLAGGED = "#e65100";
const PERSON = "#6a1b9a";

function localDay(date: string): [number, number] {
  const start = new Date(`${date}T00:00:00`).getTime();
  return [start, start + 86_400_000];
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** The supervisor's map: the day's check-ins, everyone's last known position, and the sites
 * of open orders coloured by status. Clicking a site or a check-in opens the order. */
export function FieldMap({ directory, onOpen }: { directory: UserInfo[]; onOpen: (orderId: string) => void }) {
  const { t, formatShort } = useI18n();
  const [day, setDay] = useState(today());
  const data = useLoad((b) => b.mapData(...localDay(day)), [day]);
  const points = useMemo<MapPoint[]>(() => {
    const d = data.data;
    if (!d) return [];
    return [
      ...d.sites.map((s) => ({ lat: s.lat, lon: s.lon, kind: "site" as const, color: STATUS_COLOR[s.status], label: `${s.display_number} · ${s.customer_name ?? ""} · ${t(`status.${s.status}`)}`, onClick: () => onOpen(s.order_id) })),
      ...d.check_ins.map((c) => ({ lat: c.lat, lon: c.lon, kind: "check_in" as const, color: c.verdict === "verified" ? VERIFIED : FLAGGED, label: `${userName(directory, c.user_id)} · ${t(`event.${c.kind}`, { who: "", where: "" }).trim()} · ${formatShort(c.at)}`, onClick: () => onOpen(c.order_id) })),
      ...d.last_positions.map((c) => ({ lat: c.lat, lon: c.lon, kind: "last" as const, color: PERSON, label: `${userName(directory, c.user_id)} · ${formatShort(c.at)}` })),
    ];
  }, [data.data, directory, onOpen, t, formatShort]);
  const flagged = data.data?.check_ins.filter((c) => c.verdict !== "verified").length ?? 0;
  return (
    <section aria-label={t("tab.map")}>
      <div className="filters">
        <label className="mini">
          {t("day")}
          <input type="date" value={day} onChange={(e) => setDay(e.target.value || today())} />
        </label>
        <span className="muted" data-testid="map-summary">
          {t("mapSummary", { sites: data.data?.sites.length ?? 0, checkins: data.data?.check_ins.length ?? 0, flagged })}
        </span>
      </div>
      <div className="legend">
        <span>
          <i style={{ background: STATUS_COLOR.dispatched }} />
          {t("legendSites")}
        </span>
        <span>
          <i style={{ background: VERIFIED }} />
          {t("legendVerified")}
        </span>
        <span>
          <i style={{ background: FLAGGED }} />
          {t("legendFlagged")}
        </span>
        <span>
          <i style={{ border: `3px solid ${PERSON}`, background: "transparent" }} />
          {t("legendLastPosition")}
        </span>
      </div>
      <ErrorNote error={data.error} />
      <Suspense fallback={<div className="map plain" style={{ height: 420 }} />}>
        <MapView points={points} label={t("tab.map")} />
      </Suspense>
      <table className="orders" aria-label={t("checkInsOfDay")}>
        <thead>
          <tr>
            <th>{t("when")}</th>
            <th>{t("technician")}</th>
            <th>{t("orderNumber")}</th>
            <th>{t("geofence")}</th>
          </tr>
        </thead>
        <tbody>
          {data.data?.check_ins.map((c) => (
            <tr key={c.event_id} onClick={() => onOpen(c.order_id)} tabIndex={0} onKeyDown={(e) => e.key === "Enter" && onOpen(c.order_id)}>
              <td className="nowrap">{formatShort(c.at)}</td>
              <td>{userName(directory, c.user_id)}</td>
              <td className="mono">{c.display_number}</td>
              <td>
                {c.verdict ? (
                  <span className={c.verdict === "verified" ? "badge ok" : "badge warn"}>{fenceText(t, { verdict: c.verdict, distance_m: c.distance_m, radius_m: c.radius_m ?? 0 }, null)}</span>
                ) : (
                  "—"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The order's site and where each check-in happened (tablet and desktop). */
export function OrderMap({ order }: { order: OrderDetail }) {
  const { t, formatShort } = useI18n();
  const points = useMemo<MapPoint[]>(() => {
    if (!order.site) return [];
    return [
      { lat: order.site.lat, lon: order.site.lon, kind: "site" as const, color: STATUS_COLOR[order.status], label: order.site.name },
      ...order.check_ins
        .filter((c) => c.position)
        .map((c) => ({ lat: c.position!.lat, lon: c.position!.lon, kind: "check_in" as const, color: c.fence?.verdict === "verified" ? VERIFIED : FLAGGED, label: formatShort(c.at) })),
    ];
  }, [order, formatShort]);
  if (!order.site) return null;
  return (
    <Suspense fallback={<div className="map plain" style={{ height: 220 }} />}>
      <MapView points={points} height={220} label={t("orderMap")} />
    </Suspense>
  );
}
