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

const STYLE: Record<MapPoint["kind"], L.CircleMarkerOptions> = {
  site: { radius: 10, weight: 3, fillOpacity: 0.25 },
  check_in: { radius: 5, weight: 1, fillOpacity: 0.9 },
  // Hollow and wider than a site, so a site and a check-in at the same spot (the last
  // position is often the last check-in) stay visible inside it.
  last: { radius: 15, weight: 3, fillOpacity: 0 },
};

/** Drawing order: later kinds lie on top, so the small check-in dots are never hidden. */
const LAYER: Record<MapPoint["kind"], number> = { site: 0, last: 1, check_in: 2 };

/** A Leaflet map of points. With no tile URL (offline, tests) it draws them on a plain
 * background with a scale, so the picture still says where things are. */
export default function MapView({ points, tileUrl, height = 420, label }: { points: MapPoint[]; tileUrl?: string | null; height?: number; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const map = L.map(host.current, { attributionControl: !!tileUrl, zoomSnap: 0.5 });
    if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 19, attribution: "map tiles: as configured" }).addTo(map);
    L.control.scale({ metric: true, imperial: false }).addTo(map);
    const layer = L.featureGroup().addTo(map);
    for (const p of [...points].sort((a, b) => LAYER[a.kind] - LAYER[b.kind])) {
      const marker = L.circleMarker([p.lat, p.lon], { ...STYLE[p.kind], color: p.color, fillColor: p.color }).bindTooltip(p.label);
      if (p.onClick) marker.on("click", p.onClick);
      marker.addTo(layer);
    }
    if (points.length > 0) map.fitBounds(layer.getBounds().pad(0.3), { maxZoom: 16 });
    else map.setView([34, 108], 4);
    return () => {
      map.remove();
    };
  }, [points, tileUrl]);
  return <div ref={host} className={tileUrl ? "map" : "map plain"} style={{ height }} role="img" aria-label={label} data-testid="map" data-points={points.length} />;
}
