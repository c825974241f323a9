import L from "leaflet";
import "leaflet/dist/leaflet.css";
import { useEffect, useRef } from "react";

export interface MapPoint {
  lat: number;
  lon: number;
  color: string;
  /** Sites are large filled rings, check-ins small dots, last positions hollow rings. */
  kind: "site" | "check_in" | "last";
  label: string;
  onClick?: () => void;
}

export interface LatLon {
  lat: number;
  lon: number;
}

const STYLE: Record<MapPoint["kind"], L.CircleMarkerOptions> = {
  site: { radius: 10, weight: 3, fillOpacity: 0.25 },
  check_in: { radius: 5, weight: 1, fillOpacity: 0.9 },
  // Hollow and wider than a site, so a site and a check-in at the same spot (the last
  // position is often the last check-in) stay visible inside it.
  last: { radius: 15, weight: 3, fillOpacity: 0 },
};

/** Drawing order: later kinds lie on top, so the small check-in dots are never hidden. */
const LAYER: Record<MapPoint["kind"], number> = { site: 0, last: 1, check_in: 2 };

const PICKED: L.CircleMarkerOptions = { radius: 7, weight: 3, color: "#c2185b", fillColor: "#c2185b", fillOpacity: 0.5 };

/** A Leaflet map of points. With no tile URL (offline, tests) it draws them on a plain
 * background with a scale, so the picture still says where things are. With `onPick`, a
 * click on the map picks a position, shown as `picked`, without moving the view. */
export default function MapView({
  points,
  tileUrl,
  height = 420,
  label,
  picked,
  onPick,
}: {
  points: MapPoint[];
  tileUrl?: string | null;
  height?: number;
  label: string;
  picked?: LatLon | null;
  onPick?: (p: LatLon) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const pickedMarker = useRef<L.CircleMarker | null>(null);
  const pick = useRef(onPick);
  useEffect(() => {
    pick.current = onPick;
  }, [onPick]);
  const pickable = !!onPick;
  useEffect(() => {
    if (!host.current) return;
    const m = L.map(host.current, { attributionControl: !!tileUrl, zoomSnap: 0.5 });
    if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 19, attribution: "map tiles: as configured" }).addTo(m);
    L.control.scale({ metric: true, imperial: false }).addTo(m);
    const layer = L.featureGroup().addTo(m);
    for (const p of [...points].sort((a, b) => LAYER[a.kind] - LAYER[b.kind])) {
      const marker = L.circleMarker([p.lat, p.lon], { ...STYLE[p.kind], color: p.color, fillColor: p.color }).bindTooltip(p.label);
      if (p.onClick) marker.on("click", p.onClick);
      marker.addTo(layer);
    }
    if (points.length > 0) m.fitBounds(layer.getBounds().pad(0.3), { maxZoom: 16 });
    else m.setView([34, 108], 4);
    if (pickable) m.on("click", (e: L.LeafletMouseEvent) => pick.current?.({ lat: e.latlng.lat, lon: e.latlng.lng }));
    map.current = m;
    return () => {
      m.remove();
      map.current = null;
      pickedMarker.current = null;
    };
  }, [points, tileUrl, pickable]);
  useEffect(() => {
    pickedMarker.current?.remove();
    pickedMarker.current = picked && map.current ? L.circleMarker([picked.lat, picked.lon], PICKED).addTo(map.current) : null;
  }, [picked, points, tileUrl, pickable]);
  return (
    <div
      ref={host}
      className={[tileUrl ? "map" : "map plain", pickable ? "pickable" : ""].join(" ").trim()}
      style={{ height }}
      role="img"
      aria-label={label}
      data-testid="map"
      data-points={points.length}
      data-picked={picked ? `${picked.lat.toFixed(6)},${picked.lon.toFixed(6)}` : ""}
    />
  );
}
