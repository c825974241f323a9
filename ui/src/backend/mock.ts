// An in-memory backend for browser tests and `vite dev`: the same interface as the Tauri
// app, with the order workflow's rules, and switches to simulate being offline.
import type { Backend, BackendEvent } from "./backend";
import { BackendError } from "./backend";
import { lineAmounts, mulDivRound } from "./money";
import { mockStock } from "./mockStock";
import type {
  Action,
  ChargeInput,
  ChargeView,
  ChecklistItem,
  CostInput,
  CostView,
  CustomerInput,
  CustomerView,
  Address,
  AttendanceRow,
  ClockEvent,
  EquipmentInfo,
  EquipmentView,
  OrderDetail,
  OrderEvent,
  OrderInput,
  OrderSummary,
  PhotoView,
  Position,
  FenceCheck,
  ProjectInfo,
  ProjectView,
  SessionInfo,
  Status,
  SyncStatus,
  TemplateView,
  Totals,
  UserInfo,
} from "./types";

export const MOCK_PASSWORD = "fieldops-demo";

const USERS: UserInfo[] = [
  { id: "u-admin", login: "admin", name: "管理员 Admin", role: "admin" },
  { id: "u-sup", login: "chen.jing", name: "陈静 Chen Jing", role: "supervisor" },
  { id: "u-zhang", login: "zhang.wei", name: "张伟 Zhang Wei", role: "technician" },
  { id: "u-li", login: "li.na", name: "李娜 Li Na", role: "technician" },
  { id: "u-zhao", login: "zhao.lei", name: "赵磊 Zhao Lei", role: "warehouse" },
];

interface MockOrder {
  input: OrderInput;
  id: string;
  number: string | null;
  events: OrderEvent[];
  checklist: ChecklistItem[];
  charges: ChargeView[];
  costs: CostView[];
  received: Record<string, number>;
  signature: { hash: string; signer: string; by: string; at: number } | null;
  photos: PhotoView[];
}

const DEFAULT_CHECKLIST: Record<string, [string, boolean][]> = {
  repair: [
    ["Fault confirmed / 故障确认", true],
    ["Root cause found / 找到原因", true],
    ["Repair verified / 维修验证", true],
    ["Area cleaned / 现场清理", false],
  ],
  maintenance: [
    ["Filters replaced / 更换滤网", true],
    ["Lubrication / 润滑", true],
    ["Calibration / 校准", false],
    ["Safety check / 安全检查", true],
  ],
};

const DEFAULT_TEMPLATES: TemplateView[] = (["installation", "repair", "upgrade", "maintenance", "inspection", "testing", "training", "complaint"] as const).map((t) => ({
  order_type: t,
  checklist: (DEFAULT_CHECKLIST[t] ?? DEFAULT_CHECKLIST.repair).map(([label, required]) => ({ label, required })),
  signature_required: t === "installation",
  rating_asked: true,
  default_duration_min: t === "installation" ? 240 : 120,
}));

const FIELD_WORK = new Set(["accepted", "rejected", "travelling", "checked_in", "progress", "checked_out", "completed", "rated"]);
const isOpen = (s: Status) => s !== "completed" && s !== "settled" && s !== "cancelled";

let counter = 0;
export const newId = () => `00000000-0000-7000-8000-${String(++counter).padStart(12, "0")}`;

export function fail(code: string, message: string): never {
  throw new BackendError({ code, message });
}

export interface Folded {
  status: Status;
  underlying: Status;
  assignees: string[];
  conflicts: string[];
  conflictEvents: string[];
  acceptedBy: string[];
  resolution: string | null;
  rating: [number, string] | null;
  onSiteMs: number;
  completedAt: number | null;
}

/** The same fold as core's `model::order::fold`. */
export function foldStatus(events: OrderEvent[]): Folded {
  let s: Status = "new";
  let assignees: string[] = [];
  let acceptedBy: string[] = [];
  const conflicts: string[] = [];
  const conflictEvents: string[] = [];
  let resolution: string | null = null;
  let rating: [number, string] | null = null;
  let onSiteMs = 0;
  let checkedInAt: number | null = null;
  let completedAt: number | null = null;
  const sorted = [...events].sort((a, b) => a.at - b.at || a.by.localeCompare(b.by) || a.id.localeCompare(b.id));
  for (const e of sorted) {
    const assigned = assignees.includes(e.by);
    let clash: string | null = null;
    const k = e.kind;
    if (k === "created") {
      // nothing
    } else if (k === "dispatched") {
      if (isOpen(s)) {
        assignees = e.to ?? [];
        acceptedBy = [];
        s = "dispatched";
      } else clash = `${e.by} dispatched the order after it was ${s}`;
    } else if (k === "reopened" && !isOpen(s)) {
      s = assignees.length ? "dispatched" : "new";
      acceptedBy = [];
      resolution = null;
      completedAt = null;
    } else if (k === "cancelled" && isOpen(s)) {
      s = "cancelled";
    } else if (k === "settled" && s === "completed") {
      s = "settled";
    } else if (k === "resolved") {
      for (let i = conflictEvents.length - 1; i >= 0; i--) {
        if (e.resolves?.includes(conflictEvents[i])) {
          conflictEvents.splice(i, 1);
          conflicts.splice(i, 1);
        }
      }
    } else if (FIELD_WORK.has(k) && !assigned) {
      clash = `${e.by} recorded '${k}', but the order is dispatched to ${assignees.join(", ") || "nobody"}`;
    } else if (k === "accepted" && (s === "dispatched" || s === "accepted")) {
      if (!acceptedBy.includes(e.by)) acceptedBy.push(e.by);
      s = "accepted";
    } else if (k === "rejected" && (s === "dispatched" || s === "accepted")) {
      acceptedBy = acceptedBy.filter((u) => u !== e.by);
      s = "rejected";
    } else if (k === "travelling" && (s === "accepted" || s === "checked_out")) {
      s = "travelling";
    } else if (k === "checked_in" && (s === "accepted" || s === "travelling" || s === "checked_out")) {
      checkedInAt = e.at;
      s = "on_site";
    } else if (k === "progress" && ["accepted", "travelling", "on_site", "checked_out"].includes(s)) {
      // a note
    } else if (k === "checked_out" && s === "on_site") {
      if (checkedInAt !== null) onSiteMs += Math.max(0, e.at - checkedInAt);
      checkedInAt = null;
      s = "checked_out";
    } else if (k === "completed" && (s === "on_site" || s === "checked_out")) {
      if (checkedInAt !== null) onSiteMs += Math.max(0, e.at - checkedInAt);
      checkedInAt = null;
      resolution = e.resolution ?? null;
      completedAt = e.at;
      s = "completed";
    } else if (k === "completed" && s === "completed" && resolution === (e.resolution ?? null)) {
      // the same completion twice
    } else if (k === "completed" && s === "completed") {
      clash = `${e.by} completed the order again with another resolution`;
    } else if (k === "rated" && (s === "completed" || s === "settled")) {
      rating = e.stars ? [e.stars, e.comment ?? ""] : null;
    } else {
      clash = `${e.by} recorded '${k}' while the order was ${s}`;
    }
    if (clash) {
      conflicts.push(clash);
      conflictEvents.push(e.id);
    }
  }
  return { status: conflicts.length ? "conflict" : s, underlying: s, assignees, conflicts, conflictEvents, acceptedBy, resolution, rating, onSiteMs, completedAt };
}

function totalsOf(o: MockOrder): Totals {
  const currency = o.charges[0]?.currency ?? o.costs[0]?.currency ?? null;
  let net = 0;
  let tax = 0;
  let total = 0;
  let costs = 0;
  const other: string[] = [];
  for (const c of o.charges) {
    if (c.currency !== currency) {
      other.push(c.id);
      continue;
    }
    net += c.amounts.net;
    tax += c.amounts.tax;
    total += c.amounts.total;
  }
  for (const c of o.costs) {
    if (c.currency !== currency) {
      other.push(c.id);
      continue;
    }
    costs += c.amount;
  }
  const profit = net - costs;
  return {
    currency,
    charges_net: net,
    charges_tax: tax,
    charges_total: total,
    costs_total: costs,
    gross_profit: profit,
    margin_bp: net ? mulDivRound(profit, 10_000, net) : null,
    other_currency_lines: other,
  };
}

/** Width and height of a picture, decoded by the browser (truncated files are refused). */
async function imageSize(dataBase64: string): Promise<[number, number]> {
  try {
    const bytes = Uint8Array.from(atob(dataBase64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes]));
    return [bitmap.width, bitmap.height];
  } catch {
    return fail("invalid_input", "the image is truncated or damaged");
  }
}

function checkPosition(p: Position) {
  if (!Number.isFinite(p.lat) || Math.abs(p.lat) > 90) fail("invalid_input", `latitude ${p.lat} is outside -90..90`);
  if (!Number.isFinite(p.lon) || Math.abs(p.lon) > 180) fail("invalid_input", `longitude ${p.lon} is outside -180..180`);
  if (p.accuracy_m != null && !(Number.isFinite(p.accuracy_m) && p.accuracy_m > 0)) fail("invalid_input", `accuracy ${p.accuracy_m} m is not a positive distance`);
}

function checkLine(quantityMilli: number, unitMinor: number, discountBp: number, taxBp: number, currency: string) {
  if (!Number.isInteger(quantityMilli) || quantityMilli < 1 || quantityMilli > 1_000_000_000) fail("invalid_input", "the quantity must be above 0 and at most 1,000,000");
  if (!Number.isInteger(unitMinor) || unitMinor < 0 || unitMinor > 1_000_000_000_000) fail("invalid_input", "the unit price must be between 0 and 10,000,000,000");
  if (!Number.isInteger(discountBp) || discountBp < 0 || discountBp > 10_000) fail("invalid_input", "the discount must be between 0 % and 100 %");
  if (!Number.isInteger(taxBp) || taxBp < 0 || taxBp > 10_000) fail("invalid_input", "the tax rate must be between 0 % and 100 %");
  if (!/^[A-Z]{3}$/.test(currency)) fail("invalid_input", `'${currency}' is not an ISO 4217 currency code`);
}

/** A one-page PDF with Latin text in Helvetica: the mock's stand-in for core's report
 * (enough for the preview to render a real PDF in browser tests). */
export function simplePdf(lines: string[]): string {
  const esc = (t: string) => t.replace(/[^\x20-\x7e]/g, "?").replace(/[\\()]/g, (c) => `\\${c}`);
  const text = lines.map((l, i) => `BT /F1 14 Tf 56 ${780 - i * 22} Td (${esc(l)}) Tj ET`).join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return out;
}

/** The local calendar day (YYYY-MM-DD) of a moment, at `offsetMin` minutes east of UTC. */
function localDay(at: number, offsetMin: number): string {
  return new Date(at + offsetMin * 60_000).toISOString().slice(0, 10);
}

/** Great-circle distance in metres, as core's `location::distance_m`. */
export function distanceM(a: [number, number], b: [number, number]): number {
  const rad = Math.PI / 180;
  const dLat = (b[0] - a[0]) * rad;
  const dLon = (b[1] - a[1]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}

/** The same verdict as core's `location::check_fence`. */
export function checkFence(p: Position | null, site: [number, number], radius: number): FenceCheck {
  if (!p) return { verdict: "no_position", distance_m: null, radius_m: radius };
  const d = distanceM([p.lat, p.lon], site);
  const verdict = p.source === "manual" ? "manual" : d > radius ? "outside" : p.accuracy_m == null || p.accuracy_m > radius ? "inaccurate" : "verified";
  return { verdict, distance_m: d, radius_m: radius };
}

export interface MockControls {
  setOffline(offline: boolean): void;
  /** What the device's location service reports; null: none (as on desktop). */
  setPosition(position: Position | null): void;
  serverOrderEvents(id: string): OrderEvent[];
}

export function mockBackend(): Backend & MockControls {
  const customers = new Map<string, CustomerView>();
  const equipment = new Map<string, { id: string; info: EquipmentInfo }>();
  const projects = new Map<string, { id: string; info: ProjectInfo }>();
  const orders = new Map<string, MockOrder>();
  const pending = new Set<string>();
  /** Mock blob store: a stand-in hash (the mock has no SHA-256) → base64 PNG. */
  const blobs = new Map<string, string>();
  let templates: TemplateView[] = DEFAULT_TEMPLATES.map((t) => ({ ...t, checklist: [...t.checklist] }));
  const listeners = new Map<BackendEvent, Set<(p: unknown) => void>>();
  /** What "the server" has: order id -> event ids acknowledged. */
  const serverEvents = new Map<string, OrderEvent[]>();
  let session: SessionInfo | null = null;
  let offline = false;
  let lastSyncAt: number | null = null;
  let lastError: string | null = null;
  let numbered = 0;
  let devicePosition: Position | null = { lat: 31.2304, lon: 121.4737, accuracy_m: 12, source: "simulated" };
  let geofenceDefault = 200;
  let watermark = false;
  const clocks: (ClockEvent & { user: string })[] = [];

  const emit = (event: BackendEvent, payload?: unknown) => listeners.get(event)?.forEach((h) => h(payload));
  const me = () => session?.session.user ?? fail("not_signed_in", "not signed in");
  const status = (): SyncStatus => ({
    signed_in: !!session,
    pending: pending.size,
    last_sync_at: lastSyncAt,
    last_error: lastError,
    online: !offline,
    rejected: [],
  });

  const summary = (o: MockOrder): OrderSummary => {
    const st = foldStatus(o.events);
    const c = customers.get(o.input.customer_id);
    const totals = totalsOf(o);
    return {
      number: o.number,
      display_number: o.number ?? `WO-DRAFT-${o.id.slice(-6).toUpperCase()}`,
      currency: totals.currency,
      charges_net: totals.charges_net,
      charges_total: totals.charges_total,
      costs_total: totals.costs_total,
      gross_profit: totals.gross_profit,
      completed_at: st.completedAt,
      rating: st.rating?.[0] ?? null,
      id: o.id,
      status: st.status,
      order_type: o.input.order_type,
      priority: o.input.priority,
      customer_id: o.input.customer_id,
      customer_name: c?.name ?? null,
      site_id: o.input.site_id,
      description: o.input.description,
      scheduled_start: o.input.scheduled_start,
      scheduled_end: o.input.scheduled_end,
      created_at: o.events[0]?.at ?? 0,
      updated_at: o.events[o.events.length - 1]?.at ?? 0,
      assignees: st.assignees,
      conflicts: st.conflicts,
      pending: pending.has(o.id),
    };
  };

  const detail = (o: MockOrder): OrderDetail => {
    const s = summary(o);
    const st = foldStatus(o.events);
    const user = me();
    const actions: Action[] = [];
    const u = st.underlying;
    if (user.role !== "technician") {
      if (isOpen(u)) actions.push("edit", "dispatch", "cancel");
      else actions.push("reopen");
      if (u === "completed") actions.push("settle");
      if (st.conflicts.length) actions.push("resolve");
      if (u !== "settled") actions.push("costs");
    }
    if (st.assignees.includes(user.id)) {
      const mine: Partial<Record<Status, Action[]>> = {
        dispatched: ["accept", "reject"],
        accepted: st.acceptedBy.includes(user.id) ? ["travel", "check_in", "progress", "reject"] : ["accept", "reject"],
        travelling: ["check_in", "progress"],
        on_site: ["progress", "check_out", "complete"],
        checked_out: ["travel", "check_in", "progress", "complete"],
        completed: st.rating ? [] : ["rate"],
      };
      actions.push(...(mine[u] ?? []));
      if (["accepted", "travelling", "on_site", "checked_out", "completed"].includes(u)) actions.push("field_entry");
    } else if (user.role !== "technician" && u !== "settled" && u !== "cancelled") {
      actions.push("field_entry");
    }
    const site = customers.get(o.input.customer_id)?.sites.find((x) => x.id === o.input.site_id) ?? null;
    return {
      ...s,
      site,
      events: [...o.events].sort((a, b) => a.at - b.at),
      actions,
      underlying_status: u,
      conflict_events: st.conflictEvents,
      checklist: o.checklist,
      missing_required: [
        ...o.checklist.filter((c) => c.required && !c.done).map((c) => c.label),
        ...(o.input.order_type === "installation" && !o.signature ? ["Customer signature / 客户签名"] : []),
      ],
      charges: o.charges,
      costs: o.costs.map((c) => ({ ...c, catalogue_cost_minor: stock.catalogueCost(c) })),
      totals: totalsOf(o),
      resolution: st.resolution,
      rating_comment: st.rating?.[1] ?? null,
      on_site_ms: st.onSiteMs,
      signature: o.signature,
      signature_required: o.input.order_type === "installation",
      equipment: (o.input.equipment_ids ?? []).filter((e) => equipment.has(e)).map(equipmentView),
      project: o.input.project_id && projects.has(o.input.project_id) ? projectView(o.input.project_id) : null,
      photos: o.photos,
      check_ins: [...o.events]
        .sort((a, b) => a.at - b.at)
        .filter((e) => e.kind === "checked_in" || e.kind === "checked_out")
        .map((e) => ({
          event_id: e.id,
          kind: e.kind as "checked_in" | "checked_out",
          at: e.at,
          by: e.by,
          position: e.position ?? null,
          fence: site ? checkFence(e.position ?? null, [site.lat, site.lon], site.geofence_m ?? geofenceDefault) : null,
          address: e.position ? mockAddress(e.position) : null,
        })),
      received: Object.fromEntries(o.events.filter((e) => o.received[e.id]).map((e) => [e.id, o.received[e.id]])),
    };
  };

  const visible = (o: MockOrder) => me().role !== "technician" || foldStatus(o.events).assignees.includes(me().id);
  const getOrder = (id: string) => {
    const o = orders.get(id);
    if (!o || !visible(o)) fail("not_found", `order ${id} not found`);
    return o;
  };
  const changed = (id: string) => {
    pending.add(id);
    emit("sync-status", status());
  };
  const event = (o: MockOrder, kind: OrderEvent["kind"], extra: Partial<OrderEvent> = {}) => {
    const last = o.events[o.events.length - 1]?.at ?? 0;
    o.events.push({ id: newId(), kind, at: Math.max(Date.now(), last + 1), tz_offset_min: 0, by: me().id, ...extra });
    changed(o.id);
  };
  const requireAction = (o: MockOrder, action: Action) => {
    if (!detail(o).actions.includes(action)) fail("invalid_input", `cannot ${action} this order while it is ${summary(o).status}`);
  };
  const validateOrder = (input: OrderInput) => {
    if (!input.description.trim()) fail("invalid_input", "description is required");
    const c = customers.get(input.customer_id) ?? fail("invalid_input", "choose a known customer");
    if (!c.sites.some((s) => s.id === input.site_id)) fail("invalid_input", "choose one of the customer's sites");
    for (const e of input.equipment_ids ?? []) {
      const m = equipment.get(e) ?? fail("invalid_input", "choose known equipment");
      if (m.info.customer_id !== input.customer_id) fail("invalid_input", `'${m.info.name}' belongs to another customer`);
    }
    if (input.project_id) checkProjectOf(input.project_id, input.customer_id);
  };
  const checkProjectOf = (projectId: string, customerId: string) => {
    const p = projects.get(projectId) ?? fail("invalid_input", "choose a known project");
    if (p.info.customer_id !== customerId) fail("invalid_input", `project '${p.info.name}' belongs to another customer`);
  };
  const isDate = (d: string | null) => d === null || (/^\d{4}-\d{2}-\d{2}$/.test(d) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d));
  const records = () =>
    [...orders.values()].filter(visible).filter((o) => {
      const st = foldStatus(o.events);
      return (st.underlying === "completed" || st.underlying === "settled") && st.completedAt !== null;
    });
  const equipmentView = (id: string): EquipmentView => {
    const { info } = equipment.get(id)!;
    const c = customers.get(info.customer_id);
    const served = records().filter((o) => (o.input.equipment_ids ?? []).includes(id));
    return {
      ...info,
      id,
      customer_name: c?.name ?? null,
      site_name: c?.sites.find((x) => x.id === info.site_id)?.name ?? null,
      project_name: info.project_id ? (projects.get(info.project_id)?.info.name ?? null) : null,
      service_count: served.length,
      last_service_at: served.length ? Math.max(...served.map((o) => foldStatus(o.events).completedAt!)) : null,
      pending: pending.has(id),
    };
  };
  const projectView = (id: string): ProjectView => {
    const { info } = projects.get(id)!;
    const mine = [...orders.values()].filter((o) => o.input.project_id === id).map(summary);
    const same = mine.filter((o) => o.currency === info.currency);
    const net = same.reduce((a, o) => a + o.charges_net, 0);
    const costs = same.reduce((a, o) => a + o.costs_total, 0);
    return {
      ...info,
      id,
      customer_name: customers.get(info.customer_id)?.name ?? null,
      order_count: mine.length,
      open_orders: mine.filter((o) => isOpen(o.status)).length,
      charges_net: net,
      costs_total: costs,
      gross_profit: net - costs,
      pending: pending.has(id),
    };
  };
  /** The nearest known site within 1 km, as core names it (the mock has no gazetteer). */
  const mockAddress = (p: Position): Address | null => {
    let best: Address | null = null;
    for (const c of customers.values())
      for (const s of c.sites) {
        const d = distanceM([p.lat, p.lon], [s.lat, s.lon]);
        if (d <= 1000 && (!best || d < best.distance_m)) best = { text: [c.name, s.name, s.address].filter(Boolean).join(" · "), source: "site", distance_m: d };
      }
    return best;
  };
  const validateEquipment = (info: EquipmentInfo) => {
    if (me().role === "technician") fail("forbidden", "equipment: only supervisors and admins edit equipment and projects");
    if (!info.name.trim()) fail("invalid_input", "equipment name is required");
    const c = customers.get(info.customer_id) ?? fail("invalid_input", "choose a known customer");
    if (!c.sites.some((x) => x.id === info.site_id)) fail("invalid_input", "choose one of the customer's sites");
    if (!isDate(info.installed_on)) fail("invalid_input", `installation date '${info.installed_on}' is not a date (YYYY-MM-DD)`);
    if (!isDate(info.warranty_until)) fail("invalid_input", `warranty end '${info.warranty_until}' is not a date (YYYY-MM-DD)`);
    if (info.installed_on && info.warranty_until && info.warranty_until < info.installed_on) fail("invalid_input", "the warranty ends before the installation date");
    const every = info.maintenance_interval_days;
    if (every !== null && !(Number.isInteger(every) && every >= 1 && every <= 3650)) fail("invalid_input", "the maintenance interval must be between 1 and 3650 days");
    if (info.project_id) checkProjectOf(info.project_id, info.customer_id);
  };
  const validateProject = (info: ProjectInfo) => {
    if (me().role === "technician") fail("forbidden", "project: only supervisors and admins edit equipment and projects");
    if (!info.name.trim()) fail("invalid_input", "project name is required");
    if (!customers.has(info.customer_id)) fail("invalid_input", "choose a known customer");
    if (!isDate(info.start_on) || !isDate(info.end_on)) fail("invalid_input", "dates are YYYY-MM-DD");
    if (info.start_on && info.end_on && info.end_on < info.start_on) fail("invalid_input", "the project ends before it starts");
    if (info.budget_minor !== null && !(Number.isInteger(info.budget_minor) && info.budget_minor >= 0)) fail("invalid_input", "the budget must be between 0 and 10,000,000,000");
    if (!/^[A-Z]{3}$/.test(info.currency)) fail("invalid_input", `'${info.currency}' is not an ISO 4217 currency code`);
  };
  const inTechScope = (id: string, key: "equipment_ids" | "project_id") =>
    me().role !== "technician" || [...orders.values()].some((o) => visible(o) && (key === "project_id" ? o.input.project_id === id : (o.input.equipment_ids ?? []).includes(id)));

  const stock = mockStock({
    me,
    users: USERS,
    changed: (id) => changed(id),
    putBlob: (hash, data) => blobs.set(hash, data),
    fieldOrder: (id) => {
      const o = getOrder(id);
      requireAction(o, "field_entry");
      return o;
    },
    orderDetail: async (id) => detail(getOrder(id)),
    orderCustomer: (id) => {
      const c = customers.get(orders.get(id)?.input.customer_id ?? "");
      return c ? { id: c.id, name: c.name } : null;
    },
  });

  const backend: Backend & MockControls = {
    ...stock,
    setOffline(value) {
      offline = value;
      emit("sync-status", status());
    },
    setPosition(p) {
      devicePosition = p;
    },
    currentPosition: async () => devicePosition ?? fail("invalid_input", "this device has no location service: enter the position by hand or pick it on the map"),
    geofenceDefault: async () => geofenceDefault,
    photoWatermark: async () => watermark,
    async setPhotoWatermark(on) {
      if (me().role !== "admin") fail("forbidden", "settings: only administrators change settings and templates");
      watermark = on;
      return on;
    },
    async setGeofenceDefault(radius) {
      if (me().role !== "admin") fail("forbidden", "settings: only administrators change settings and templates");
      if (!(Number.isInteger(radius) && radius >= 10 && radius <= 50_000)) fail("invalid_input", "the geofence radius must be between 10 m and 50,000 m");
      geofenceDefault = radius;
      return radius;
    },
    serverOrderEvents: (id) => serverEvents.get(id) ?? [],
    defaults: async () => ({ server_url: "http://127.0.0.1:8787", tenant: "demo" }),
    session: async () => session,
    async login(serverUrl, tenant, login, password) {
      if (!/^https?:\/\/[^/]+/.test(serverUrl.trim())) fail("invalid_input", `'${serverUrl}' is not an http(s) server address`);
      if (offline) fail("network", "cannot reach the sync server: connection refused");
      const user = USERS.find((u) => u.login === login.trim());
      if (!user || password !== MOCK_PASSWORD || tenant.trim() !== "demo") fail("bad_credentials", "wrong company, login or password");
      session = { session: { server_url: serverUrl, tenant, user, device_id: "mock" }, token_home: { kind: "keyring" } };
      return session;
    },
    async logout() {
      session = null;
    },
    async listOrders(filter) {
      const text = filter.text?.trim().toLowerCase();
      return [...orders.values()]
        .filter(visible)
        .map(summary)
        .filter((o) => !filter.status || o.status === filter.status)
        .filter((o) => !filter.statuses || filter.statuses.includes(o.status))
        .filter((o) => !filter.assignee || o.assignees.includes(filter.assignee))
        .filter((o) => !filter.project_id || orders.get(o.id)?.input.project_id === filter.project_id)
        .filter((o) => !filter.equipment_id || (orders.get(o.id)?.input.equipment_ids ?? []).includes(filter.equipment_id))
        .filter((o) => !text || o.description.toLowerCase().includes(text) || (o.customer_name ?? "").toLowerCase().includes(text))
        .sort((a, b) => (a.scheduled_start ?? a.created_at) - (b.scheduled_start ?? b.created_at));
    },
    getOrder: async (id) => detail(getOrder(id)),
    async createOrder(input) {
      if (me().role === "technician") fail("forbidden", "order: only supervisors and admins create orders");
      validateOrder(input);
      const o: MockOrder = {
        id: newId(),
        number: null,
        input: { ...input, description: input.description.trim() },
        events: [],
        checklist: (templates.find((t) => t.order_type === input.order_type)?.checklist ?? []).map(({ label, required }) => ({
          id: newId(),
          label,
          required,
          done: false,
          done_by: null,
          done_at: null,
        })),
        charges: [],
        costs: [],
        received: {},
        signature: null,
        photos: [],
      };
      orders.set(o.id, o);
      event(o, "created");
      return detail(o);
    },
    async updateOrder(id, input) {
      const o = getOrder(id);
      requireAction(o, "edit");
      validateOrder(input);
      o.input = input;
      changed(id);
      return detail(o);
    },
    async dispatchOrder(id, to) {
      const o = getOrder(id);
      requireAction(o, "dispatch");
      if (!to.length) fail("invalid_input", "choose at least one technician");
      event(o, "dispatched", { to });
      return detail(o);
    },
    async acceptOrder(id) {
      const o = getOrder(id);
      requireAction(o, "accept");
      event(o, "accepted");
      return detail(o);
    },
    async rejectOrder(id, reason) {
      const o = getOrder(id);
      requireAction(o, "reject");
      if (!reason.trim()) fail("invalid_input", "reason is required");
      event(o, "rejected", { reason });
      return detail(o);
    },
    async startTravel(id) {
      const o = getOrder(id);
      requireAction(o, "travel");
      event(o, "travelling");
      return detail(o);
    },
    async checkIn(id, position) {
      const o = getOrder(id);
      requireAction(o, "check_in");
      if (position) checkPosition(position);
      event(o, "checked_in", { position });
      return detail(o);
    },
    async checkOut(id, position) {
      const o = getOrder(id);
      requireAction(o, "check_out");
      if (position) checkPosition(position);
      event(o, "checked_out", { position });
      return detail(o);
    },
    async addProgress(id, note) {
      const o = getOrder(id);
      requireAction(o, "progress");
      if (!note.trim()) fail("invalid_input", "note is required");
      event(o, "progress", { note });
      return detail(o);
    },
    async completeOrder(id, resolution) {
      const o = getOrder(id);
      requireAction(o, "complete");
      if (!resolution.trim()) fail("invalid_input", "resolution is required");
      const missing = detail(o).missing_required;
      if (missing.length) fail("invalid_input", `tick the required checklist items first: ${missing.join(", ")}`);
      event(o, "completed", { resolution });
      return detail(o);
    },
    async rateOrder(id, stars, comment) {
      const o = getOrder(id);
      requireAction(o, "rate");
      if (!(stars >= 1 && stars <= 5)) fail("invalid_input", "a rating is 1 to 5 stars");
      event(o, "rated", { stars, comment });
      return detail(o);
    },
    async settleOrder(id) {
      const o = getOrder(id);
      requireAction(o, "settle");
      event(o, "settled");
      return detail(o);
    },
    async reopenOrder(id, reason) {
      const o = getOrder(id);
      requireAction(o, "reopen");
      if (!reason.trim()) fail("invalid_input", "reason is required");
      event(o, "reopened", { reason });
      return detail(o);
    },
    async cancelOrder(id, reason) {
      const o = getOrder(id);
      requireAction(o, "cancel");
      if (!reason.trim()) fail("invalid_input", "reason is required");
      event(o, "cancelled", { reason });
      return detail(o);
    },
    async resolveConflicts(id, note) {
      const o = getOrder(id);
      requireAction(o, "resolve");
      if (!note.trim()) fail("invalid_input", "note is required");
      event(o, "resolved", { note, resolves: foldStatus(o.events).conflictEvents });
      return detail(o);
    },
    async setChecklistItem(id, itemId, done) {
      const o = getOrder(id);
      requireAction(o, "field_entry");
      const item = o.checklist.find((c) => c.id === itemId) ?? fail("not_found", `checklist item ${itemId}`);
      item.done = done;
      item.done_by = done ? me().id : null;
      item.done_at = done ? Date.now() : null;
      changed(id);
      return detail(o);
    },
    async putCharge(id, lineId, input: ChargeInput) {
      const o = getOrder(id);
      requireAction(o, "field_entry");
      checkLine(input.quantity_milli, input.unit_price_minor, input.discount_bp, input.tax_rate_bp, input.currency);
      const line: ChargeView = {
        ...input,
        id: lineId ?? newId(),
        by: me().id,
        at: Date.now(),
        amounts: lineAmounts(input.quantity_milli, input.unit_price_minor, input.discount_bp, input.tax_rate_bp),
      };
      o.charges = [...o.charges.filter((c) => c.id !== line.id), line];
      changed(id);
      return detail(o);
    },
    async deleteCharge(id, lineId) {
      const o = getOrder(id);
      requireAction(o, "field_entry");
      const line = o.charges.find((c) => c.id === lineId) ?? fail("not_found", `line ${lineId}`);
      if (line.by !== me().id && me().role === "technician") fail("forbidden", `charges[${lineId}]: technicians change only their own lines`);
      o.charges = o.charges.filter((c) => c.id !== lineId);
      changed(id);
      return detail(o);
    },
    async putCost(id, lineId, input: CostInput) {
      const o = getOrder(id);
      requireAction(o, "costs");
      checkLine(input.quantity_milli, input.unit_cost_minor, 0, 0, input.currency);
      const line: CostView = { ...input, id: lineId ?? newId(), by: me().id, at: Date.now(), amount: lineAmounts(input.quantity_milli, input.unit_cost_minor, 0, 0).total };
      o.costs = [...o.costs.filter((c) => c.id !== line.id), line];
      changed(id);
      return detail(o);
    },
    async deleteCost(id, lineId) {
      const o = getOrder(id);
      requireAction(o, "costs");
      o.costs = o.costs.filter((c) => c.id !== lineId);
      changed(id);
      return detail(o);
    },
    async addLabourCost(id, rate, currency) {
      const o = getOrder(id);
      const ms = foldStatus(o.events).onSiteMs;
      if (ms <= 0) fail("invalid_input", "no time on site is recorded yet (check-in and check-out)");
      const hoursMilli = Math.max(1, mulDivRound(ms, 1000, 3_600_000));
      return backend.putCost(id, null, { kind: "labour", description: `${(hoursMilli / 1000).toFixed(2)} h on site`, quantity_milli: hoursMilli, unit_cost_minor: rate, currency });
    },
    async captureSignature(id, pngBase64, signer) {
      const o = getOrder(id);
      requireAction(o, "field_entry");
      if (!pngBase64.startsWith("iVBORw0KGgo")) fail("invalid_input", "the file is not a PNG, JPEG or WebP image");
      const hash = Array.from(pngBase64.slice(0, 64).padEnd(64, "0"), (ch) => (ch.charCodeAt(0) % 16).toString(16)).join("");
      blobs.set(hash, pngBase64);
      o.signature = { hash, signer, by: me().id, at: Date.now() };
      changed(id);
      return detail(o);
    },
    templates: async () => templates,
    async serviceReport(id) {
      const o = getOrder(id);
      const u = foldStatus(o.events).underlying;
      if (u !== "completed" && u !== "settled") fail("invalid_input", "a service report is made for completed orders");
      const s = summary(o);
      const pdf = simplePdf([`Service report ${s.display_number}`, `Customer: ${s.customer_name ?? ""}`, `Resolution: ${foldStatus(o.events).resolution ?? ""}`]);
      return { path: `/mock/reports/${s.display_number}.pdf`, bytes: pdf.length, data_base64: btoa(pdf) };
    },
    async saveTemplate(orderType, template) {
      if (me().role !== "admin") fail("forbidden", "settings: only administrators change settings and templates");
      if (template.checklist.some((i) => !i.label.trim())) fail("invalid_input", "checklist item is required");
      if (!(template.default_duration_min >= 0 && template.default_duration_min <= 7 * 24 * 60)) fail("invalid_input", "the default duration is between 0 and 7 days");
      templates = templates.map((t) => (t.order_type === orderType ? { ...template, order_type: orderType } : t));
      return templates;
    },
    async getBlob(hash) {
      const data = blobs.get(hash) ?? fail("not_found", `blob ${hash}`);
      return { content_type: data.startsWith("/9j/") ? "image/jpeg" : "image/png", data_base64: data };
    },
    async attachPhoto(id, dataBase64, input) {
      const o = getOrder(id);
      requireAction(o, "field_entry");
      if (input.caption.length > 500) fail("invalid_input", "photo caption is longer than 500 characters");
      // The mock keeps the picture as given (core re-encodes it); it checks the type like core.
      if (!/^(\/9j\/|iVBORw0KGgo|UklGR)/.test(dataBase64)) fail("invalid_input", "the file is not a JPEG, PNG or WebP image");
      const size = await imageSize(dataBase64);
      const hash = `${newId().replace(/-/g, "")}${"0".repeat(32)}`.slice(0, 64);
      blobs.set(hash, dataBase64);
      o.photos = [...o.photos, { id: newId(), hash, thumb_hash: hash, caption: input.caption.trim(), width: size[0], height: size[1], by: me().id, at: Date.now(), event_id: input.event_id ?? null, position: input.position ?? null }];
      changed(id);
      return detail(o);
    },
    async listRecords(filter) {
      const text = filter.text?.trim().toLowerCase();
      return [...orders.values()]
        .filter(visible)
        .map((o) => ({ o, st: foldStatus(o.events), s: summary(o) }))
        .filter(({ st }) => (st.underlying === "completed" || st.underlying === "settled") && st.completedAt !== null)
        .filter(({ o }) => !filter.order_type || o.input.order_type === filter.order_type)
        .filter(({ o }) => !filter.customer_id || o.input.customer_id === filter.customer_id)
        .filter(({ o }) => !filter.equipment_id || (o.input.equipment_ids ?? []).includes(filter.equipment_id))
        .filter(({ o }) => !filter.technician || o.events.some((e) => (e.kind === "completed" || e.kind === "checked_in") && e.by === filter.technician))
        .filter(({ st }) => (filter.from == null || st.completedAt! >= filter.from) && (filter.to == null || st.completedAt! < filter.to))
        .filter(({ o, s, st }) => !text || [s.display_number, s.customer_name ?? "", o.input.description, st.resolution ?? ""].some((x) => x.toLowerCase().includes(text)))
        .sort((a, b) => b.st.completedAt! - a.st.completedAt!)
        .map(({ o, s, st }) => ({
          order_id: o.id,
          number: o.number,
          display_number: s.display_number,
          order_type: o.input.order_type,
          customer_id: o.input.customer_id,
          customer_name: s.customer_name,
          technicians: [...new Set(o.events.filter((e) => e.kind === "completed" || e.kind === "checked_in").map((e) => e.by))],
          completed_at: st.completedAt!,
          description: o.input.description,
          resolution: st.resolution,
          charges_total: s.charges_total,
          currency: s.currency,
          rating: s.rating,
          status: s.status,
        }));
    },
    async clock(kind, position) {
      if (position) checkPosition(position);
      const since = (await backend.attendanceState()).clocked_in_since;
      if (kind === "clock_in" && since !== null) fail("invalid_input", `already clocked in since ${new Date(since).toTimeString().slice(0, 5)}`);
      if (kind === "clock_out" && since === null) fail("invalid_input", "not clocked in today");
      const id = newId();
      clocks.push({ id, user: me().id, kind, at: Date.now(), position });
      changed(id);
      return backend.attendanceState();
    },
    async attendanceState() {
      const today = localDay(Date.now(), -new Date().getTimezoneOffset());
      const mine = clocks.filter((c) => c.user === me().id && localDay(c.at, -new Date().getTimezoneOffset()) === today).map(({ user: _u, ...c }) => (void _u, c));
      const last = mine[mine.length - 1];
      return { clocked_in_since: last?.kind === "clock_in" ? last.at : null, today: mine };
    },
    async attendanceReport(from, to, tz) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) fail("invalid_input", "dates are YYYY-MM-DD");
      if (to < from) fail("invalid_input", "choose a period of at most a year that ends after it starts");
      const who = me().role === "technician" ? me().id : null;
      const rows = new Map<string, AttendanceRow>();
      const row = (user: string, day: string) => {
        const key = `${user}|${day}`;
        if (!rows.has(key)) rows.set(key, { user_id: user, day, clock_in: null, clock_out: null, worked_minutes: 0, first_check_in: null, last_check_in: null, check_ins: 0, flagged_check_ins: 0, customers_visited: 0, on_site: [] });
        return rows.get(key)!;
      };
      const inPeriod = (d: string) => d >= from && d <= to;
      const open = new Map<string, number>();
      for (const c of clocks.filter((c) => !who || c.user === who)) {
        const day = localDay(c.at, tz);
        if (!inPeriod(day)) continue;
        const r = row(c.user, day);
        if (c.kind === "clock_in") {
          r.clock_in ??= c.at;
          if (!open.has(`${c.user}|${day}`)) open.set(`${c.user}|${day}`, c.at);
        } else {
          r.clock_out = c.at;
          const since = open.get(`${c.user}|${day}`);
          if (since !== undefined) r.worked_minutes += Math.floor((c.at - since) / 60_000);
          open.delete(`${c.user}|${day}`);
        }
      }
      const visits = new Map<string, Set<string>>();
      for (const o of orders.values()) {
        const site = customers.get(o.input.customer_id)?.sites.find((x) => x.id === o.input.site_id);
        const since = new Map<string, number>();
        for (const e of [...o.events].sort((a, b) => a.at - b.at)) {
          if ((e.kind !== "checked_in" && e.kind !== "checked_out") || (who && e.by !== who)) continue;
          const day = localDay(e.at, tz);
          if (!inPeriod(day)) continue;
          const r = row(e.by, day);
          let spent = r.on_site.find((x) => x.order_id === o.id);
          if (e.kind === "checked_in") {
            r.check_ins += 1;
            r.first_check_in ??= e.at;
            r.last_check_in = e.at;
            if (!site || checkFence(e.position ?? null, [site.lat, site.lon], site.geofence_m ?? geofenceDefault).verdict !== "verified") r.flagged_check_ins += 1;
            const key = `${e.by}|${day}`;
            visits.set(key, (visits.get(key) ?? new Set()).add(o.input.customer_id));
            r.customers_visited = visits.get(key)!.size;
            if (!spent) r.on_site.push((spent = { order_id: o.id, display_number: summary(o).display_number, customer_name: customers.get(o.input.customer_id)?.name ?? null, minutes: 0, open: true }));
            spent.open = true;
            if (!since.has(e.by)) since.set(e.by, e.at);
          } else if (spent && since.has(e.by)) {
            spent.minutes += Math.floor((e.at - since.get(e.by)!) / 60_000);
            spent.open = false;
            since.delete(e.by);
          }
        }
      }
      return [...rows.values()].sort((a, b) => a.user_id.localeCompare(b.user_id) || a.day.localeCompare(b.day));
    },
    async exportAttendance(from, to, tz) {
      const rows = await backend.attendanceReport(from, to, tz);
      const hhmm = (ms: number | null) => (ms === null ? "" : new Date(ms + tz * 60_000).toISOString().slice(11, 16));
      const lines = rows.map((r) =>
        [r.day, USERS.find((u) => u.id === r.user_id)?.name ?? r.user_id, hhmm(r.clock_in), hhmm(r.clock_out), (r.worked_minutes / 60).toFixed(2), hhmm(r.first_check_in), hhmm(r.last_check_in), r.check_ins, r.flagged_check_ins, r.customers_visited, r.on_site.map((s) => `${s.display_number} ${s.minutes} min${s.open ? " (no check-out)" : ""}`).join("; ")].join(","),
      );
      return { path: `/mock/exports/attendance-${from}-${to}.csv`, content: ["\ufeffdate,person,clock_in,clock_out,worked_hours,first_check_in,last_check_in,check_ins,flagged_check_ins,customers_visited,time_on_site", ...lines].join("\n") + "\n" };
    },
    resolveAddresses: async (id) => detail(getOrder(id)),
    async mapData(from, to) {
      if (to <= from) fail("invalid_input", "the period ends before it starts");
      const siteOf = (o: MockOrder) => customers.get(o.input.customer_id)?.sites.find((x) => x.id === o.input.site_id);
      const mine = [...orders.values()].filter(visible);
      const sites = mine
        .map((o) => ({ o, s: summary(o), site: siteOf(o) }))
        .filter(({ s, site }) => site && (isOpen(s.status) || (s.updated_at >= from && s.updated_at < to) || (s.scheduled_start != null && s.scheduled_start >= from && s.scheduled_start < to)))
        .map(({ o, s, site }) => ({ order_id: o.id, display_number: s.display_number, status: s.status, customer_name: s.customer_name, site_name: site!.name, lat: site!.lat, lon: site!.lon, assignees: s.assignees }));
      const all = mine.flatMap((o) =>
        o.events
          .filter((e) => (e.kind === "checked_in" || e.kind === "checked_out") && e.position)
          .map((e) => {
            const site = siteOf(o);
            const fence = site ? checkFence(e.position!, [site.lat, site.lon], site.geofence_m ?? geofenceDefault) : null;
            return { event_id: e.id, order_id: o.id, display_number: summary(o).display_number, user_id: e.by, kind: e.kind as "checked_in" | "checked_out", at: e.at, lat: e.position!.lat, lon: e.position!.lon, source: e.position!.source, verdict: fence?.verdict ?? null, distance_m: fence?.distance_m ?? null, radius_m: fence?.radius_m ?? null };
          }),
      );
      const last = new Map<string, (typeof all)[number]>();
      for (const c of all) if ((last.get(c.user_id)?.at ?? -1) < c.at) last.set(c.user_id, c);
      return { sites, check_ins: all.filter((c) => c.at >= from && c.at < to).sort((a, b) => a.at - b.at), last_positions: [...last.values()] };
    },
    async listEquipment(filter) {
      const text = filter.text?.trim().toLowerCase();
      return [...equipment.keys()]
        .filter((id) => inTechScope(id, "equipment_ids"))
        .map(equipmentView)
        .filter((e) => !filter.customer_id || e.customer_id === filter.customer_id)
        .filter((e) => !filter.project_id || e.project_id === filter.project_id)
        .filter((e) => !text || [e.name, e.model, e.serial].some((x) => x.toLowerCase().includes(text)))
        .sort((a, b) => (a.customer_name ?? "").localeCompare(b.customer_name ?? "") || a.name.localeCompare(b.name));
    },
    async createEquipment(info) {
      validateEquipment(info);
      const id = newId();
      equipment.set(id, { id, info: { ...info, name: info.name.trim() } });
      changed(id);
      return equipmentView(id);
    },
    async updateEquipment(id, info) {
      if (!equipment.has(id)) fail("not_found", `equipment ${id}`);
      validateEquipment(info);
      equipment.set(id, { id, info: { ...info, name: info.name.trim() } });
      changed(id);
      return equipmentView(id);
    },
    async listProjects(customerId) {
      return [...projects.keys()]
        .filter((id) => inTechScope(id, "project_id"))
        .map(projectView)
        .filter((p) => !customerId || p.customer_id === customerId)
        .sort((a, b) => Number(a.status === "closed") - Number(b.status === "closed") || a.name.localeCompare(b.name));
    },
    async createProject(info) {
      validateProject(info);
      const id = newId();
      projects.set(id, { id, info: { ...info, name: info.name.trim() } });
      changed(id);
      return projectView(id);
    },
    async updateProject(id, info) {
      if (!projects.has(id)) fail("not_found", `project ${id}`);
      validateProject(info);
      projects.set(id, { id, info: { ...info, name: info.name.trim() } });
      changed(id);
      return projectView(id);
    },
    listCustomers: async () => [...customers.values()].filter((c) => me().role !== "technician" || [...orders.values()].some((o) => visible(o) && o.input.customer_id === c.id)),
    async createCustomer(input: CustomerInput) {
      if (me().role === "technician") fail("forbidden", "customer: only supervisors and admins edit customers");
      if (!input.name.trim()) fail("invalid_input", "customer name is required");
      if (!input.sites.length) fail("invalid_input", "a customer needs at least one site");
      for (const s of input.sites) {
        if (!s.name.trim()) fail("invalid_input", "site name is required");
        if (!Number.isFinite(s.lat) || Math.abs(s.lat) > 90) fail("invalid_input", `latitude ${s.lat} is outside -90..90`);
        if (!Number.isFinite(s.lon) || Math.abs(s.lon) > 180) fail("invalid_input", `longitude ${s.lon} is outside -180..180`);
        if (s.geofence_m != null && !(Number.isInteger(s.geofence_m) && s.geofence_m >= 10 && s.geofence_m <= 50_000)) fail("invalid_input", "the geofence radius must be between 10 m and 50,000 m");
      }
      const c: CustomerView = {
        id: newId(),
        name: input.name.trim(),
        phone: input.phone,
        sites: input.sites.map((s) => ({ ...s, id: newId(), geofence_m: s.geofence_m ?? null })),
        pending: true,
      };
      customers.set(c.id, c);
      changed(c.id);
      return c;
    },
    directory: async () => USERS,
    syncStatus: async () => status(),
    async syncNow() {
      if (offline) {
        lastError = "cannot reach the sync server: connection refused";
        emit("sync-status", status());
        fail("network", lastError);
      }
      const pushed = pending.size;
      for (const id of pending) {
        const o = orders.get(id);
        if (o) {
          serverEvents.set(id, [...o.events]);
          if (!o.number) o.number = `WO-202611-${String(++numbered).padStart(4, "0")}`;
          for (const e of o.events) o.received[e.id] ??= Date.now();
        }
        const c = customers.get(id);
        if (c) c.pending = false;
      }
      pending.clear();
      lastSyncAt = Date.now();
      lastError = null;
      emit("sync-status", status());
      emit("data-changed");
      return { round_trips: 1, pushed, accepted: pushed, pulled: 0, revoked: 0, cursor: 0 };
    },
    on(event, handler) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(handler);
      return () => listeners.get(event)?.delete(handler);
    },
  };
  return backend;
}
