import L from "leaflet";
import "leaflet/dist/leaflet.css";
import { useEffect, useRef, useState } from "react";
import type { Backend, MapCrs, TileService } from "../../backend";
import { useBackend, useLoad } from "../../context";
import { useI18n, type Lang, type Translate } from "../../i18n";

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

/** Below this zoom, points closer than CLUSTER_PX on screen are drawn as one numbered group. */
const CLUSTER_BELOW_ZOOM = 12;
const CLUSTER_PX = 28;

type BaseMap = {
  countries: GeoJSON.FeatureCollection;
  provinces: GeoJSON.FeatureCollection;
  /** `from`: the zoom from which a city is named (bigger cities sooner). */
  labels: { kind: "country" | "province" | "city"; zh: string; en: string; lat: number; lon: number; from?: number }[];
};

/** The offline base map (Natural Earth countries and provinces), loaded once, on first use. */
let baseMap: Promise<BaseMap> | null = null;
const loadBaseMap = () => (baseMap ??= import("./basemap.json").then((m) => m.default as unknown as BaseMap));

/** Stored WGS-84 positions in the tiles' coordinate system (the core converts; GCJ-02 for
 * Chinese services). */
async function toMap(backend: Backend, crs: MapCrs, points: LatLon[]): Promise<LatLon[]> {
  return crs === "wgs84" || points.length === 0 ? points : backend.toMapCoordinates(crs, points);
}

/** A Leaflet map of points. Online with the company's tile service it draws on those tiles,
 * converting positions into the service's coordinate system; otherwise on the base map that
 * ships with the app (countries and provinces with their names), so it is never a blank grid.
 * Points that overlap at country scale are grouped with their count. With `onPick`, a click
 * picks a position (as WGS-84), shown as `picked`, without moving the view. */
export default function MapView({
  points,
  height = 420,
  label,
  picked,
  onPick,
}: {
  points: MapPoint[];
  height?: number;
  label: string;
  picked?: LatLon | null;
  onPick?: (p: LatLon) => void;
}) {
  const backend = useBackend();
  const { lang, t } = useI18n();
  // Wrapped so that "loaded, no service" differs from "not loaded yet".
  const tiles = useLoad((b) => b.tileService().then((service) => ({ service })), []);
  const host = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const pickedMarker = useRef<L.CircleMarker | null>(null);
  const pick = useRef(onPick);
  const [drawn, setDrawn] = useState(0);
  // Where the person left the view, for the same points: a reload (a sync) redraws the map but
  // does not throw their zoom away.
  const view = useRef<{ key: string; center: L.LatLng; zoom: number } | null>(null);
  useEffect(() => {
    pick.current = onPick;
  }, [onPick]);
  const pickable = !!onPick;
  // Until the tile setting is known, draw nothing (a redraw would lose the view).
  const ready = tiles.data !== null || tiles.error !== null;
  const service: TileService | null = tiles.data?.service ?? null;
  const crs: MapCrs = service?.crs ?? "wgs84";
  useEffect(() => {
    if (!host.current || !ready) return;
    let cancelled = false;
    const m = L.map(host.current, { zoomSnap: 0.5 });
    map.current = m;
    if (service) L.tileLayer(service.url, { maxZoom: 19, attribution: service.attribution || service.url.split("/")[2] }).addTo(m);
    else drawBaseMap(m, lang, t);
    L.control.scale({ metric: true, imperial: false }).addTo(m);
    const layer = L.featureGroup().addTo(m);
    void (async () => {
      const sorted = [...points].sort((a, b) => LAYER[a.kind] - LAYER[b.kind]);
      const at = await toMap(backend, crs, sorted);
      if (cancelled) return;
      const placed = sorted.map((p, i) => ({ ...p, lat: at[i].lat, lon: at[i].lon }));
      const key = placed.map((p) => `${p.lat},${p.lon}`).join(";");
      if (view.current?.key === key) m.setView(view.current.center, view.current.zoom, { animate: false });
      else if (placed.length > 0) m.fitBounds(L.latLngBounds(placed.map((p) => [p.lat, p.lon])).pad(0.3), { maxZoom: 16 });
      else m.setView([34, 108], 4);
      m.on("moveend", () => (view.current = { key, center: m.getCenter(), zoom: m.getZoom() }));
      const redraw = () => drawPoints(m, layer, placed);
      redraw();
      m.on("zoomend", redraw);
      // Where the first point landed in the tiles' coordinates: what a reader of the map sees.
      host.current?.setAttribute("data-drawn", placed[0] ? `${placed[0].lat.toFixed(6)},${placed[0].lon.toFixed(6)}` : "");
      setDrawn((n) => n + 1);
    })();
    if (pickable)
      m.on("click", async (e: L.LeafletMouseEvent) => {
        const onMap = { lat: e.latlng.lat, lon: e.latlng.lng };
        pick.current?.(crs === "wgs84" ? onMap : await backend.fromMapCoordinates(crs, onMap));
      });
    return () => {
      cancelled = true;
      m.remove();
      map.current = null;
      pickedMarker.current = null;
    };
  }, [points, service, crs, pickable, ready, backend, lang, t]);
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const at = picked ? (await toMap(backend, crs, [picked]))[0] : null;
      if (cancelled) return;
      pickedMarker.current?.remove();
      pickedMarker.current = at && map.current ? L.circleMarker([at.lat, at.lon], PICKED).addTo(map.current) : null;
    })();
    return () => {
      cancelled = true;
    };
  }, [picked, drawn, crs, backend]);
  return (
    <div
      ref={host}
      className={[service ? "map" : "map plain", pickable ? "pickable" : ""].join(" ").trim()}
      style={{ height }}
      role="img"
      aria-label={label}
      data-testid="map"
      data-points={points.length}
      data-crs={crs}
      data-picked={picked ? `${picked.lat.toFixed(6)},${picked.lon.toFixed(6)}` : ""}
    />
  );
}

/** Countries, provinces and cities with their names in the user's language; country names at
 * country scale, province names once zoomed in, cities by size as one zooms further; nothing
 * clickable (clicks go to the map). */
function drawBaseMap(m: L.Map, lang: Lang, t: Translate) {
  // GeoNames' licence (CC BY 4.0) asks for its name beside the city names.
  m.attributionControl.addAttribution("Natural Earth · GeoNames");
  m.createPane("base").style.zIndex = "200";
  // Names on their own pane above every boundary, so no polygon covers a name.
  m.createPane("basenames").style.zIndex = "250";
  const names = L.layerGroup();
  void loadBaseMap().then((base) => {
    if (!m.getContainer().isConnected) return;
    L.geoJSON(base.countries, { pane: "base", interactive: false, style: { color: "#9aa7b4", weight: 1, fillColor: "#fbfaf6", fillOpacity: 1 } }).addTo(m);
    L.geoJSON(base.provinces, { pane: "base", interactive: false, style: { color: "#b8c2cc", weight: 0.8, dashArray: "3 3", fill: false } }).addTo(m);
    const shownAt = new Map<L.Marker, (zoom: number) => boolean>();
    for (const l of base.labels) {
      const text = lang === "zh-CN" ? l.zh : l.en;
      const marker = L.marker([l.lat, l.lon], {
        pane: "basenames",
        interactive: false,
        keyboard: false,
        icon: L.divIcon({ className: `map-label ${l.kind}`, html: escapeHtml(text), iconSize: undefined }),
      }).addTo(names);
      const from = l.from ?? 9;
      shownAt.set(marker, l.kind === "country" ? (z) => z >= 3 && z < 7 : l.kind === "province" ? (z) => z >= 5 && z < 9 : (z) => z >= from);
    }
    const showNames = () => {
      const z = m.getZoom();
      for (const [marker, shown] of shownAt) {
        const el = marker.getElement();
        if (el) el.style.display = shown(z) ? "" : "none";
      }
    };
    names.addTo(m);
    m.on("zoomend", showNames);
    showNames();
    // Zoomed in past the names, a corner says which province (and country) this is.
    const where = new L.Control({ position: "topright" });
    const box = L.DomUtil.create("div", "map-where");
    where.onAdd = () => box;
    where.addTo(m);
    const cities = base.labels.filter((l) => l.kind === "city");
    // The nearest named city within 30 km of the centre.
    const nearCity = (c: L.LatLng) => {
      let best: { name: string; metres: number } | undefined;
      for (const l of cities) {
        const metres = c.distanceTo([l.lat, l.lon]);
        if (metres < 30_000 && (!best || metres < best.metres)) best = { name: lang === "zh-CN" ? l.zh : l.en, metres };
      }
      return best?.name ?? "";
    };
    const place = () => {
      const c = m.getCenter();
      const inside = (f: GeoJSON.Feature) => containsPoint(f.geometry, c.lng, c.lat);
      const name = (f: GeoJSON.Feature | undefined) => (f ? String((f.properties as Record<string, string>)[lang === "zh-CN" ? "zh" : "en"]) : "");
      let parts: string[] = [];
      if (m.getZoom() >= 9) {
        const city = nearCity(c);
        const province = name(base.provinces.features.find(inside));
        // "near Shanghai, China": a city that is its own province is named once.
        parts = [city && t("mapNearCity", { city }), province.startsWith(city) && city ? "" : province, name(base.countries.features.find(inside))];
      }
      box.textContent = [...new Set(parts.filter(Boolean))].join(lang === "zh-CN" ? "，" : ", ");
      box.style.display = box.textContent ? "" : "none";
    };
    m.on("moveend", place);
    place();
  });
}

/** Whether a (multi)polygon holds the point (even–odd rule over every ring). */
function containsPoint(geometry: GeoJSON.Geometry, x: number, y: number): boolean {
  const polygons = geometry.type === "MultiPolygon" ? geometry.coordinates : geometry.type === "Polygon" ? [geometry.coordinates] : [];
  let inside = false;
  for (const rings of polygons)
    for (const ring of rings)
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
  return inside;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The points, grouped where they would overlap at country scale. */
function drawPoints(m: L.Map, layer: L.FeatureGroup, points: MapPoint[]) {
  layer.clearLayers();
  const groups: { at: L.Point; members: MapPoint[] }[] = [];
  for (const p of points) {
    const at = m.latLngToLayerPoint([p.lat, p.lon]);
    const near = m.getZoom() < CLUSTER_BELOW_ZOOM ? groups.find((g) => g.at.distanceTo(at) < CLUSTER_PX) : undefined;
    if (near) near.members.push(p);
    else groups.push({ at, members: [p] });
  }
  for (const g of groups) {
    if (g.members.length === 1) {
      const p = g.members[0];
      const marker = L.circleMarker([p.lat, p.lon], { ...STYLE[p.kind], color: p.color, fillColor: p.color }).bindTooltip(p.label);
      if (p.onClick) marker.on("click", p.onClick);
      marker.addTo(layer);
      continue;
    }
    const bounds = L.latLngBounds(g.members.map((p) => [p.lat, p.lon]));
    L.marker(bounds.getCenter(), {
      icon: L.divIcon({ className: "map-cluster", html: String(g.members.length), iconSize: [30, 30] }),
      title: g.members.map((p) => p.label).join("\n"),
    })
      .on("click", (e) => {
        L.DomEvent.stopPropagation(e);
        m.fitBounds(bounds.pad(0.5), { maxZoom: CLUSTER_BELOW_ZOOM + 2 });
      })
      .addTo(layer);
  }
}
