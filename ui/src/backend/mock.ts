// An in-memory backend for browser tests and `vite dev`: the same interface as the Tauri
// app, with the order workflow's rules, and switches to simulate being offline.
import type { Backend, BackendEvent } from "./backend";
import { BackendError } from "./backend";
import type {
  Action,
  CustomerInput,
  CustomerView,
  OrderDetail,
  OrderEvent,
  OrderInput,
  OrderSummary,
  SessionInfo,
  Status,
  SyncStatus,
  UserInfo,
} from "./types";

export const MOCK_PASSWORD = "fieldops-demo";

const USERS: UserInfo[] = [
  { id: "u-sup", login: "chen.jing", name: "陈静 Chen Jing", role: "supervisor" },
  { id: "u-zhang", login: "zhang.wei", name: "张伟 Zhang Wei", role: "technician" },
  { id: "u-li", login: "li.na", name: "李娜 Li Na", role: "technician" },
];

interface MockOrder {
  input: OrderInput;
  id: string;
  events: OrderEvent[];
}

let counter = 0;
const newId = () => `00000000-0000-7000-8000-${String(++counter).padStart(12, "0")}`;

function fail(code: string, message: string): never {
  throw new BackendError({ code, message });
}

/** The same fold as core's `model::order::fold`. */
export function foldStatus(events: OrderEvent[]): { status: Status; assignees: string[]; conflicts: string[] } {
  let status: Status = "new";
  let assignees: string[] = [];
  const conflicts: string[] = [];
  const sorted = [...events].sort((a, b) => a.at - b.at || a.by.localeCompare(b.by) || a.id.localeCompare(b.id));
  for (const e of sorted) {
    if (e.kind === "dispatched") {
      assignees = e.to ?? [];
      conflicts.length = 0;
      status = "dispatched";
    } else if (e.kind === "accepted") {
      if (assignees.includes(e.by) && (status === "dispatched" || status === "accepted")) status = "accepted";
      else conflicts.push(`${e.by} accepted, but the order is dispatched to ${assignees.join(", ") || "nobody"}`);
    } else if (e.kind === "rejected") {
      if (assignees.includes(e.by) && (status === "dispatched" || status === "accepted")) status = "rejected";
      else conflicts.push(`${e.by} declined while the order was ${status}`);
    }
  }
  return { status: conflicts.length ? "conflict" : status, assignees, conflicts };
}

export interface MockControls {
  setOffline(offline: boolean): void;
  serverOrderEvents(id: string): OrderEvent[];
}

export function mockBackend(): Backend & MockControls {
  const customers = new Map<string, CustomerView>();
  const orders = new Map<string, MockOrder>();
  const pending = new Set<string>();
  const listeners = new Map<BackendEvent, Set<(p: unknown) => void>>();
  /** What "the server" has: order id -> event ids acknowledged. */
  const serverEvents = new Map<string, OrderEvent[]>();
  let session: SessionInfo | null = null;
  let offline = false;
  let lastSyncAt: number | null = null;
  let lastError: string | null = null;

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
    return {
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
    const user = me();
    const actions: Action[] = [];
    if (user.role !== "technician") actions.push("edit", "dispatch");
    if (s.assignees.includes(user.id)) {
      if (s.status === "dispatched") actions.push("accept");
      if (s.status === "dispatched" || s.status === "accepted") actions.push("reject");
    }
    const site = customers.get(o.input.customer_id)?.sites.find((x) => x.id === o.input.site_id) ?? null;
    return { ...s, site, events: [...o.events].sort((a, b) => a.at - b.at), actions };
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
  };

  const backend: Backend & MockControls = {
    setOffline(value) {
      offline = value;
      emit("sync-status", status());
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
        .filter((o) => !filter.assignee || o.assignees.includes(filter.assignee))
        .filter((o) => !text || o.description.toLowerCase().includes(text) || (o.customer_name ?? "").toLowerCase().includes(text))
        .sort((a, b) => (a.scheduled_start ?? a.created_at) - (b.scheduled_start ?? b.created_at));
    },
    getOrder: async (id) => detail(getOrder(id)),
    async createOrder(input) {
      if (me().role === "technician") fail("forbidden", "order: only supervisors and admins create orders");
      validateOrder(input);
      const o: MockOrder = { id: newId(), input: { ...input, description: input.description.trim() }, events: [] };
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
    listCustomers: async () => [...customers.values()].filter((c) => me().role !== "technician" || [...orders.values()].some((o) => visible(o) && o.input.customer_id === c.id)),
    async createCustomer(input: CustomerInput) {
      if (me().role === "technician") fail("forbidden", "customer: only supervisors and admins edit customers");
      if (!input.name.trim()) fail("invalid_input", "customer name is required");
      if (!input.sites.length) fail("invalid_input", "a customer needs at least one site");
      for (const s of input.sites) {
        if (!s.name.trim()) fail("invalid_input", "site name is required");
        if (!Number.isFinite(s.lat) || Math.abs(s.lat) > 90) fail("invalid_input", `latitude ${s.lat} is outside -90..90`);
        if (!Number.isFinite(s.lon) || Math.abs(s.lon) > 180) fail("invalid_input", `longitude ${s.lon} is outside -180..180`);
      }
      const c: CustomerView = {
        id: newId(),
        name: input.name.trim(),
        phone: input.phone,
        sites: input.sites.map((s) => ({ ...s, id: newId() })),
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
        if (o) serverEvents.set(id, [...o.events]);
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
