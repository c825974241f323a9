// The mock backend's spare parts: catalogue, ledgers, levels, alerts, parts on orders and
// requests, with the same rules as core (workspace/stock.rs) at the level browser tests need.
import type { Backend } from "./backend";
import { fail, newId } from "./mock";
import type { CategoryView, ChargeView, CostView, LevelView, LocationView, MovementKind, MovementView, PartInfo, PartView, RequestEvent, RequestStatus, RequestView, StockAlert, UserInfo } from "./types";
import { lineAmounts } from "./money";

export interface StockContext {
  me(): UserInfo;
  users: UserInfo[];
  changed(id: string): void;
  /** Keep a picture where getBlob finds it. */
  putBlob(hash: string, base64: string): void;
  /** The order's lines, if the signed-in user may enter field work on it now. */
  fieldOrder(id: string): { charges: ChargeView[]; costs: CostView[] };
  orderDetail(id: string): ReturnType<Backend["getOrder"]>;
  /** The customer (id, name) an order is for, if this device knows the order. */
  orderCustomer(id: string): { id: string; name: string } | null;
}

type StockMethods = Pick<
  Backend,
  | "listParts"
  | "exportParts"
  | "partsStatistics"
  | "exportPartsStatistics"
  | "importParts"
  | "createPart"
  | "setPartPhoto"
  | "updatePart"
  | "listCategories"
  | "createCategory"
  | "updateCategory"
  | "listLocations"
  | "createLocation"
  | "updateLocation"
  | "recordMovement"
  | "transferStock"
  | "stockTake"
  | "stockLevels"
  | "stockMovements"
  | "stockAlerts"
  | "usePart"
  | "listRequests"
  | "createRequest"
  | "approveRequest"
  | "rejectRequest"
  | "cancelRequest"
  | "issueRequest"
  | "receiveRequest"
>;

interface MockRequest {
  id: string;
  by: string;
  to_location: string;
  order_id: string | null;
  lines: { id: string; part_id: string; qty: number; reason: string }[];
  events: RequestEvent[];
}

const blankInfo: PartInfo = { sku: "", name_zh: "", name_en: "", category_id: null, unit: "pcs", barcode: "", sale_price_minor: 0, cost_minor: 0, currency: "CNY", min_stock: 0, compatible_models: [] };

const SIGN: Record<MovementKind, number> = { receive: 1, transfer_in: 1, return: 1, defective: 1, transfer_out: -1, issue: -1, adjust: 0 };

/** The stock methods, and what the order views need from the catalogue. */
export type MockStock = StockMethods & {
  /** A parts cost line's catalogue cost now, when it differs from the line's. */
  catalogueCost(line: CostView): number | null;
};

export function mockStock(ctx: StockContext): MockStock {
  const parts = new Map<string, { id: string; info: PartInfo }>();
  const categories = new Map<string, { id: string; name: string; parent_id: string | null }>();
  const locations = new Map<string, LocationView>();
  const movements: MovementView[] = [];
  const requests = new Map<string, MockRequest>();
  const manages = () => ctx.me().role !== "technician";

  const categoryPath = (id: string): string => {
    const c = categories.get(id);
    if (!c) return "";
    return c.parent_id ? `${categoryPath(c.parent_id)} / ${c.name}` : c.name;
  };
  const partView = (id: string): PartView => {
    const { info } = parts.get(id)!;
    return {
      ...info,
      id,
      category_path: info.category_id ? categoryPath(info.category_id) : null,
      total_level: movements.filter((m) => m.part_id === id && m.kind !== "defective").reduce((a, m) => a + m.qty, 0),
      pending: false,
    };
  };
  const validatePart = (info: PartInfo, id: string | null) => {
    if (!manages()) fail("forbidden", "part: only supervisors and admins keep the catalogue and the stock locations");
    if (!info.sku.trim() || /\s/.test(info.sku.trim())) fail("invalid_input", "a SKU has no spaces");
    if (!info.name_zh.trim()) fail("invalid_input", "Chinese name is required");
    if (!info.unit.trim()) fail("invalid_input", "unit is required");
    if (!(info.sale_price_minor >= 0 && info.cost_minor >= 0)) fail("invalid_input", "the sale price must be between 0 and 10,000,000,000");
    if (!/^[A-Z]{3}$/.test(info.currency)) fail("invalid_input", `'${info.currency}' is not an ISO 4217 currency code`);
    if ([...parts.values()].some((p) => p.info.sku === info.sku.trim() && p.id !== id)) fail("invalid_input", `SKU '${info.sku.trim()}' is already in the catalogue`);
  };
  const level = (loc: string, part: string) => movements.filter((m) => m.location_id === loc && m.part_id === part && m.kind !== "defective").reduce((a, m) => a + m.qty, 0);
  const levels = (loc: string | null, part: string | null): LevelView[] => {
    const keys = new Set(movements.filter((m) => (!loc || m.location_id === loc) && (!part || m.part_id === part)).map((m) => `${m.location_id}|${m.part_id}`));
    return [...keys]
      .map((k) => {
        const [l, p] = k.split("|");
        const info = parts.get(p)!.info;
        return {
          location_id: l,
          location_name: locations.get(l)?.name ?? "",
          part_id: p,
          sku: info.sku,
          name_zh: info.name_zh,
          name_en: info.name_en,
          unit: info.unit,
          level: level(l, p),
          defective: movements.filter((m) => m.location_id === l && m.part_id === p && m.kind === "defective").reduce((a, m) => a + m.qty, 0),
          min_stock: info.min_stock,
        };
      })
      .sort((a, b) => a.location_name.localeCompare(b.location_name) || a.sku.localeCompare(b.sku));
  };
  const move = (location: string, part: string, kind: MovementKind, qty: number, extra: Partial<MovementView> = {}) => {
    if (!locations.has(location)) fail("invalid_input", "choose a known stock location");
    if (!parts.has(part)) fail("invalid_input", "choose a part from the catalogue");
    if (!Number.isInteger(qty) || qty === 0 || Math.abs(qty) > 1_000_000) fail("invalid_input", "a quantity is between 1 and 1,000,000");
    if (SIGN[kind] !== 0 && Math.sign(qty) !== SIGN[kind]) fail("invalid_input", `a ${kind} movement has the wrong sign`);
    const m: MovementView = { id: newId(), location_id: location, part_id: part, kind, qty, by: ctx.me().id, at: Date.now(), order_id: null, request_id: null, note: "", ...extra };
    movements.push(m);
    ctx.changed(location);
    return m;
  };
  const view = (r: MockRequest): RequestView => {
    let status: RequestStatus = "requested";
    const qty = new Map(r.lines.map((l) => [l.id, l.qty]));
    const conflicts: string[] = [];
    let from: string | null = null;
    let closed: number | null = null;
    for (const e of [...r.events].sort((a, b) => a.at - b.at || a.by.localeCompare(b.by) || a.id.localeCompare(b.id))) {
      const next: RequestStatus | null =
        e.kind === "requested" ? status : status === "requested" && ["approved", "rejected", "cancelled"].includes(e.kind) ? e.kind : status === "approved" && e.kind === "issued" ? "issued" : status === "issued" && e.kind === "received" ? "received" : null;
      if (next === null) {
        conflicts.push(`${e.kind} by ${e.by} arrived when the request was already ${status}`);
        continue;
      }
      if (e.kind === "approved") for (const [l, q] of Object.entries(e.approved ?? {})) qty.set(l, q);
      if (e.kind === "issued") from = e.from_location ?? null;
      if (["rejected", "received", "cancelled"].includes(e.kind)) closed = e.at;
      status = next;
    }
    return {
      id: r.id,
      by: r.by,
      to_location: r.to_location,
      order_id: r.order_id,
      status,
      lines: r.lines.map((l) => ({ id: l.id, part_id: l.part_id, sku: parts.get(l.part_id)?.info.sku ?? null, name: parts.get(l.part_id)?.info.name_zh ?? null, asked: l.qty, qty: qty.get(l.id) ?? l.qty, reason: l.reason })),
      events: r.events,
      conflicts,
      from_location: from,
      requested_at: r.events[0]?.at ?? 0,
      closed_at: closed,
      pending: false,
    };
  };
  const request = (id: string, wanted: RequestStatus) => {
    const r = requests.get(id) ?? fail("not_found", `request ${id}`);
    const v = view(r);
    if (v.status !== wanted) fail("invalid_input", `the request is ${v.status}, not ${wanted}`);
    return { r, v };
  };
  const event = (r: MockRequest, kind: RequestStatus, extra: Partial<RequestEvent> = {}) => {
    r.events.push({ id: newId(), kind, by: ctx.me().id, at: Date.now(), ...extra });
    ctx.changed(r.id);
    return view(r);
  };

  return {
    catalogueCost(line) {
      if (line.kind !== "parts_cost" || !line.movement_id) return null;
      const m = movements.find((x) => x.id === line.movement_id);
      const info = m ? parts.get(m.part_id)?.info : undefined;
      return info && info.currency === line.currency && info.cost_minor !== line.unit_cost_minor ? info.cost_minor : null;
    },
    listParts: async (text) => {
      const q = text?.trim().toLowerCase();
      return [...parts.keys()].map(partView).filter((p) => !q || [p.sku, p.name_zh, p.name_en, p.barcode, ...p.compatible_models].some((x) => x.toLowerCase().includes(q))).sort((a, b) => a.sku.localeCompare(b.sku));
    },
    async exportParts(format) {
      if (format !== "csv") fail("invalid_input", "the browser mock writes CSV only");
      const rows = [...parts.values()].map(({ info }) => [info.sku, info.name_zh, info.name_en, info.category_id ? categoryPath(info.category_id) : "", info.unit, info.barcode, (info.sale_price_minor / 100).toFixed(2), (info.cost_minor / 100).toFixed(2), info.currency, String(info.min_stock), info.compatible_models.join("; ")].join(","));
      const text = ["sku,name_zh,name_en,category,unit,barcode,sale_price,cost,currency,min_stock,compatible_models", ...rows].join("\n") + "\n";
      return { path: "/mock/exports/parts.csv", data_base64: btoa(String.fromCharCode(...new TextEncoder().encode(text))) };
    },
    async partsStatistics(from, to) {
      if (to <= from) fail("invalid_input", "the period ends before it starts");
      const used = movements.filter((m) => (m.kind === "issue" || m.kind === "return") && m.at >= from && m.at < to);
      const sum = (key: (m: MovementView) => string, label: (k: string) => string) => {
        const totals = new Map<string, number>();
        for (const m of used) totals.set(key(m), (totals.get(key(m)) ?? 0) - m.qty);
        return [...totals].filter(([, v]) => v !== 0).map(([k, v]) => ({ key: k, label: label(k), value: v })).sort((a, b) => b.value - a.value);
      };
      const partLabel = (id: string) => `${parts.get(id)?.info.sku ?? id} ${parts.get(id)?.info.name_zh ?? ""}`;
      const value = [...locations.values()].map((l) => ({
        key: l.id,
        label: l.name,
        value: [...parts.values()].reduce((a, p) => a + Math.max(0, level(l.id, p.id)) * p.info.cost_minor, 0),
      }));
      const slow = [...parts.values()]
        .filter((p) => !movements.some((m) => m.part_id === p.id && m.kind === "issue" && m.at >= from && m.at < to))
        .map((p) => ({ key: p.id, label: partLabel(p.id), value: [...locations.keys()].reduce((a, l) => a + level(l, p.id), 0) }))
        .filter((t) => t.value > 0);
      const views = [...requests.values()].map(view).filter((r) => r.requested_at >= from && r.requested_at < to);
      const byStatus = new Map<string, number>();
      for (const r of views) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
      const done = views.filter((r) => r.status === "received" && r.closed_at !== null);
      return {
        by_part: sum((m) => m.part_id, partLabel),
        by_technician: sum((m) => m.by, (k) => k),
        by_customer: sum(
          (m) => (m.order_id ? ctx.orderCustomer(m.order_id)?.id : null) ?? "",
          (k) => used.map((m) => (m.order_id ? ctx.orderCustomer(m.order_id) : null)).find((c) => c?.id === k)?.name ?? "—",
        ).filter((t) => t.key !== ""),
        by_month: sum((m) => new Date(m.at).toISOString().slice(0, 7), (k) => k),
        stock_value: value.sort((a, b) => b.value - a.value),
        slow_movers: slow,
        requests_by_status: [...byStatus].map(([k, v]) => ({ key: k, label: k, value: v })),
        mean_turnaround_hours: done.length ? done.reduce((a, r) => a + (r.closed_at! - r.requested_at) / 3_600_000, 0) / done.length : null,
      };
    },
    async exportPartsStatistics(from, to, format) {
      if (format !== "csv") fail("invalid_input", "the browser mock writes CSV only");
      const s = await this.partsStatistics(from, to);
      const lines = Object.entries(s)
        .filter(([, v]) => Array.isArray(v))
        .flatMap(([k, v]) => (v as { key: string; label: string; value: number }[]).map((t) => [k, t.key, t.label, t.value].join(",")));
      const text = ["section,key,label,value", ...lines].join("\n") + "\n";
      return { path: "/mock/exports/parts-statistics.csv", data_base64: btoa(String.fromCharCode(...new TextEncoder().encode(text))) };
    },
    async importParts(data, format) {
      if (!manages()) fail("forbidden", "part: only supervisors and admins keep the catalogue and the stock locations");
      if (format !== "csv") fail("invalid_input", "the browser mock reads CSV only");
      const text = new TextDecoder().decode(Uint8Array.from(atob(data), (c) => c.charCodeAt(0))).replace(/^\ufeff/, "");
      const [head, ...lines] = text.split(/\r?\n/).filter((l) => l.trim());
      const cols = head.split(",").map((c) => c.trim().toLowerCase());
      const errors: { row: number; message: string }[] = [];
      const infos: PartInfo[] = [];
      lines.forEach((line, i) => {
        const cell = (name: string) => line.split(",")[cols.indexOf(name)]?.trim() ?? "";
        const price = Number(cell("sale_price"));
        const cost = Number(cell("cost"));
        if (!cell("sku") || Number.isNaN(price) || Number.isNaN(cost)) {
          errors.push({ row: i + 2, message: `row ${i + 2}: SKU and amounts like 450.00 are required` });
          return;
        }
        infos.push({ ...blankInfo, sku: cell("sku"), name_zh: cell("name_zh"), name_en: cell("name_en"), unit: cell("unit") || "pcs", sale_price_minor: Math.round(price * 100), cost_minor: Math.round(cost * 100) });
      });
      if (errors.length) return { created: 0, updated: 0, unchanged: 0, categories_created: 0, errors };
      let created = 0;
      for (const info of infos) {
        if ([...parts.values()].some((p) => p.info.sku === info.sku)) continue;
        const id = newId();
        parts.set(id, { id, info });
        created += 1;
      }
      return { created, updated: 0, unchanged: infos.length - created, categories_created: 0, errors };
    },
    async createPart(info) {
      validatePart(info, null);
      const id = newId();
      parts.set(id, { id, info: { ...info, sku: info.sku.trim() } });
      ctx.changed(id);
      return partView(id);
    },
    async setPartPhoto(id, data) {
      const p = parts.get(id) ?? fail("not_found", `part ${id}`);
      if (!manages()) fail("forbidden", "part: only supervisors and admins keep the catalogue and the stock locations");
      if (!/^(\/9j\/|iVBORw0KGgo|UklGR)/.test(data)) fail("invalid_input", "the file is not a JPEG, PNG or WebP image");
      const hash = `${newId().replace(/-/g, "")}${"f".repeat(32)}`.slice(0, 64);
      ctx.putBlob(hash, data);
      p.info = { ...p.info, photo: hash };
      ctx.changed(id);
      return partView(id);
    },
    async updatePart(id, info) {
      if (!parts.has(id)) fail("not_found", `part ${id}`);
      validatePart(info, id);
      parts.set(id, { id, info });
      ctx.changed(id);
      return partView(id);
    },
    listCategories: async (): Promise<CategoryView[]> =>
      [...categories.values()].map((c) => ({ ...c, path: categoryPath(c.id), depth: categoryPath(c.id).split(" / ").length - 1 })).sort((a, b) => a.path.localeCompare(b.path)),
    async updateCategory(id, name, parentId) {
      const c = categories.get(id) ?? fail("not_found", `category ${id}`);
      if (!manages()) fail("forbidden", "category: only supervisors and admins keep the catalogue and the stock locations");
      if (!name.trim()) fail("invalid_input", "category name is required");
      if (parentId && !categories.has(parentId)) fail("invalid_input", "choose a known parent category");
      for (let at: string | null = parentId; at; at = categories.get(at)?.parent_id ?? null) {
        if (at === id) fail("invalid_input", "a category cannot go inside itself or one of its own subcategories");
      }
      categories.set(id, { ...c, name: name.trim(), parent_id: parentId });
      ctx.changed(id);
      return { id, name: name.trim(), parent_id: parentId, path: categoryPath(id), depth: categoryPath(id).split(" / ").length - 1 };
    },
    async createCategory(name, parentId) {
      if (!manages()) fail("forbidden", "category: only supervisors and admins keep the catalogue and the stock locations");
      if (!name.trim()) fail("invalid_input", "category name is required");
      if (parentId && !categories.has(parentId)) fail("invalid_input", "choose a known parent category");
      const id = newId();
      categories.set(id, { id, name: name.trim(), parent_id: parentId });
      ctx.changed(id);
      return { id, name: name.trim(), parent_id: parentId, path: categoryPath(id), depth: categoryPath(id).split(" / ").length - 1 };
    },
    listLocations: async () => [...locations.values()].sort((a, b) => b.kind.localeCompare(a.kind) || a.name.localeCompare(b.name)),
    async createLocation(kind, name, owner) {
      if (!manages()) fail("forbidden", "location: only supervisors and admins keep the catalogue and the stock locations");
      if (!name.trim()) fail("invalid_input", "location name is required");
      if (kind === "van" && !ctx.users.some((u) => u.id === owner && u.role === "technician")) fail("invalid_input", "a van belongs to a technician");
      const l: LocationView = { id: newId(), kind, name: name.trim(), owner: kind === "van" ? owner : null, pending: true };
      locations.set(l.id, l);
      ctx.changed(l.id);
      return l;
    },
    async updateLocation(id, name, owner) {
      const l = locations.get(id) ?? fail("not_found", `location ${id}`);
      if (!manages()) fail("forbidden", "location: only supervisors, admins and warehouse keepers rename or reassign a stock location");
      if (!name.trim()) fail("invalid_input", "location name is required");
      if (l.kind === "warehouse" && owner) fail("invalid_input", "a warehouse belongs to no one");
      if (l.kind === "van" && !ctx.users.some((u) => u.id === owner && u.role === "technician")) fail("invalid_input", "a van belongs to a technician");
      const open = [...requests.values()].map(view).filter((r) => r.to_location === id && ["requested", "approved", "issued"].includes(r.status)).length;
      if (l.owner !== owner && open > 0) fail("invalid_input", `${open} part request(s) into this van are still open: let them be received, rejected or cancelled before the van changes hands`);
      const updated: LocationView = { ...l, name: name.trim(), owner: l.kind === "van" ? owner : null, pending: true };
      locations.set(id, updated);
      ctx.changed(id);
      return updated;
    },
    async recordMovement(loc, part, kind, qty, note) {
      if (!manages()) fail("forbidden", "movements: technicians record only parts used, returned or taken back, and receipts into their van");
      if (["transfer_in", "transfer_out", "issue"].includes(kind)) fail("invalid_input", "transfers go through a transfer or a request; parts used go through the order");
      move(loc, part, kind, qty, { note });
      return levels(loc, part);
    },
    async transferStock(from, to, part, qty, note) {
      if (!manages()) fail("forbidden", "movements: only supervisors transfer stock");
      if (from === to) fail("invalid_input", "a transfer goes to another location");
      move(from, part, "transfer_out", -qty, { note });
      move(to, part, "transfer_in", qty, { note });
    },
    async stockTake(loc, counts, note) {
      if (!manages()) fail("invalid_input", "stock-takes are done by supervisors, admins and warehouse keepers");
      if (counts.length === 0) fail("invalid_input", "count at least one part");
      if (!locations.has(loc)) fail("invalid_input", "choose a known stock location");
      const seen = new Set<string>();
      const lines = counts.map((c) => {
        const p = parts.get(c.part_id);
        if (!p) return fail("invalid_input", "choose parts from the catalogue");
        if (seen.has(c.part_id)) fail("invalid_input", `${p.info.sku} is counted twice`);
        seen.add(c.part_id);
        if (!Number.isInteger(c.counted) || c.counted < 0 || c.counted > 1_000_000) fail("invalid_input", `the count of ${p.info.sku} must be between 0 and 1,000,000`);
        const was = level(loc, c.part_id);
        return { part_id: c.part_id, sku: p.info.sku, was, counted: c.counted, adjustment: c.counted - was };
      });
      for (const l of lines.filter((l) => l.adjustment !== 0)) {
        move(loc, l.part_id, "adjust", l.adjustment, { note: `stock-take: counted ${l.counted}, was ${l.was}${note.trim() ? `. ${note.trim()}` : ""}` });
      }
      return lines;
    },
    stockLevels: async (loc, part) => levels(loc, part),
    stockMovements: async (loc, part) => movements.filter((m) => m.location_id === loc && m.part_id === part).sort((a, b) => a.at - b.at),
    async stockAlerts() {
      const out: StockAlert[] = [];
      for (const l of levels(null, null)) {
        if (l.level < 0) {
          const ms = movements.filter((m) => m.location_id === l.location_id && m.part_id === l.part_id).sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
          let lastIn = -1;
          ms.forEach((m, i) => {
            if (m.qty > 0 && m.kind !== "defective") lastIn = i;
          });
          out.push({ ...l, kind: "oversold", movements: ms.filter((m, i) => m.qty < 0 && i > lastIn) });
        } else if (l.min_stock > 0 && l.level < l.min_stock) out.push({ ...l, kind: "low_stock", movements: [] });
      }
      return out;
    },
    async usePart(orderId, partId, qty, locationId) {
      const o = ctx.fieldOrder(orderId);
      const loc = locations.get(locationId) ?? fail("invalid_input", "choose a known stock location");
      if (!manages() && loc.kind === "van" && loc.owner !== ctx.me().id) fail("invalid_input", "take parts from your own van or a warehouse");
      const info = (parts.get(partId) ?? fail("invalid_input", "choose a part from the catalogue")).info;
      const m = move(locationId, partId, "issue", -qty, { order_id: orderId });
      const description = `${info.sku} ${info.name_zh}`;
      const at = Date.now();
      o.charges.push({ id: newId(), kind: "parts_fee", description, quantity_milli: qty * 1000, unit_price_minor: info.sale_price_minor, discount_bp: 0, tax_rate_bp: 0, currency: info.currency, by: ctx.me().id, at, amounts: lineAmounts(qty * 1000, info.sale_price_minor, 0, 0), movement_id: m.id });
      o.costs.push({ id: newId(), kind: "parts_cost", description, quantity_milli: qty * 1000, unit_cost_minor: info.cost_minor, currency: info.currency, by: ctx.me().id, at, amount: lineAmounts(qty * 1000, info.cost_minor, 0, 0).total, movement_id: m.id });
      ctx.changed(orderId);
      return ctx.orderDetail(orderId);
    },
    listRequests: async (status) =>
      [...requests.values()]
        .filter((r) => manages() || r.by === ctx.me().id)
        .map(view)
        .filter((v) => !status || v.status === status)
        .sort((a, b) => b.requested_at - a.requested_at),
    async createRequest(toLocation, orderId, lines) {
      const van = locations.get(toLocation);
      if (!van || van.kind !== "van" || (!manages() && van.owner !== ctx.me().id)) fail("invalid_input", "parts are requested into your own van");
      if (!lines.length) fail("invalid_input", "a request has 1 to 100 lines");
      for (const l of lines) {
        if (!parts.has(l.part_id)) fail("invalid_input", "choose parts from the catalogue");
        if (!(Number.isInteger(l.qty) && l.qty >= 1)) fail("invalid_input", "a requested quantity is between 1 and 1,000,000");
      }
      const r: MockRequest = { id: newId(), by: ctx.me().id, to_location: toLocation, order_id: orderId, lines: lines.map((l) => ({ id: newId(), ...l })), events: [] };
      requests.set(r.id, r);
      return event(r, "requested");
    },
    async approveRequest(id, quantities) {
      if (!manages()) fail("forbidden", "supervisors approve, reject and issue; the requester confirms receipt or cancels");
      const { r, v } = request(id, "requested");
      for (const [line, q] of Object.entries(quantities)) {
        const asked = v.lines.find((l) => l.id === line) ?? fail("invalid_input", "approve lines of this request");
        if (!(q >= 0 && q <= asked.asked)) fail("invalid_input", "approve between 0 and the quantity asked");
      }
      return event(r, "approved", { approved: quantities });
    },
    async rejectRequest(id, reason) {
      if (!manages()) fail("forbidden", "supervisors approve, reject and issue; the requester confirms receipt or cancels");
      if (!reason.trim()) fail("invalid_input", "reason is required");
      return event(request(id, "requested").r, "rejected", { reason });
    },
    async cancelRequest(id) {
      return event(request(id, "requested").r, "cancelled");
    },
    async issueRequest(id, from) {
      if (!manages()) fail("forbidden", "supervisors approve, reject and issue; the requester confirms receipt or cancels");
      const { r, v } = request(id, "approved");
      for (const l of v.lines.filter((x) => x.qty > 0)) move(from, l.part_id, "transfer_out", -l.qty, { request_id: id });
      return event(r, "issued", { from_location: from });
    },
    async receiveRequest(id) {
      const { r, v } = request(id, "issued");
      for (const l of v.lines.filter((x) => x.qty > 0)) move(r.to_location, l.part_id, "transfer_in", l.qty, { request_id: id });
      return event(r, "received");
    },
  };
}
