import { MapPin } from "lucide-react";
import { Suspense, lazy, useCallback, useMemo, useState } from "react";
import type { BackendError, FenceCheck, OrderDetail, Position } from "../../backend";
import { useI18n, type Translate } from "../../i18n";
import { useErrorWords } from "../../shared/ErrorNote";
import type { LatLon, MapPoint } from "./MapView";
import { DecimalField } from "../../shared/DecimalField";
import { parseNumber } from "../../format";

const MapView = lazy(() => import("./MapView"));

/** Words for a geofence verdict: "outside the fence: 445 m from the site (fence 200 m)". */
export function fenceText(t: Translate, fence: FenceCheck, position: Position | null): string {
  const m = fence.distance_m;
  const d = m === null ? "" : m < 10_000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`;
  return t(`fence.${fence.verdict}`, { d, r: fence.radius_m, acc: Math.round(position?.accuracy_m ?? 0) });
}

/** The check-in's verdict as a badge; flagged ones stand out. */
export function FenceBadge({ order, eventId }: { order: OrderDetail; eventId: string }) {
  const { t } = useI18n();
  const c = order.check_ins.find((x) => x.event_id === eventId);
  if (!c?.fence) return null;
  const ok = c.fence.verdict === "verified";
  return (
    <span className={ok ? "badge ok" : "badge warn"} data-testid="fence">
      {fenceText(t, c.fence, c.position)}
      {c.position?.mock ? ` · ${t("mockLocation")}` : ""}
    </span>
  );
}

/** Where a check-in happened, in words: a known site, a town from the gazetteer, or the
 * full address once the geocoding service named it. */
export function PlaceLine({ order, eventId }: { order: OrderDetail; eventId: string }) {
  const { t } = useI18n();
  const a = order.check_ins.find((x) => x.event_id === eventId)?.address;
  if (!a) return null;
  const near = a.source === "provider" ? "" : ` (${t("placeNear", { d: Math.round(a.distance_m) })})`;
  return (
    <div className="muted place" data-testid="place">
      <MapPin size={14} aria-hidden className="icon lead" />
      {a.text}
      {near}
    </div>
  );
}

/** Asked when the device cannot give a position: type one or pick it on the map (recorded
 * as manual), or go on without. `why` is why the location service gave none (null: the
 * person chose to type it); `site`, when
 * known, centres the map. */
export function PositionPanel({ why, site, onSubmit, onCancel }: { why: BackendError | null; site?: { lat: number; lon: number; name: string } | null; onSubmit: (p: Position | null) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const sayError = useErrorWords();
  const words = why && sayError(why);
  const [lat, setLat] = useState("");
  const [lon, setLon] = useState("");
  const points = useMemo<MapPoint[]>(() => (site ? [{ lat: site.lat, lon: site.lon, kind: "site", color: "#1565c0", label: site.name }] : []), [site]);
  const typed = { lat: parseNumber(lat), lon: parseNumber(lon) };
  const picked = lat.trim() && lon.trim() && Math.abs(typed.lat) <= 90 && Math.abs(typed.lon) <= 180 ? typed : null;
  const onPick = useCallback((p: LatLon) => {
    setLat(p.lat.toFixed(6));
    setLon(p.lon.toFixed(6));
  }, []);
  return (
    <fieldset className="prompt" aria-label={t("positionFor")}>
      <legend>{t("positionFor")}</legend>
      {words && <p className="muted" data-testid="no-position">{words.particular ?? words.advice}</p>}
      <p>{t("manualPosition")}</p>
      <div className="row">
        <DecimalField label={t("latitude")} value={lat} onChange={setLat} example="31.2304" />
        <DecimalField label={t("longitude")} value={lon} onChange={setLon} example="121.4737" />
      </div>
      <Suspense fallback={<div className="map plain" style={{ height: 220 }} />}>
        <MapView points={points} height={220} label={t("pickOnMap")} picked={picked} onPick={onPick} />
      </Suspense>
      <div className="actions">
        <button className="primary" disabled={Number.isNaN(typed.lat) || Number.isNaN(typed.lon)} onClick={() => onSubmit({ lat: typed.lat, lon: typed.lon, source: "manual" })}>
          {t("withPosition")}
        </button>
        <button onClick={() => onSubmit(null)}>{t("withoutPosition")}</button>
        <button onClick={onCancel}>{t("cancel")}</button>
      </div>
    </fieldset>
  );
}
