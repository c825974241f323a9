import type {
  CustomerInput,
  CustomerView,
  Defaults,
  ErrorBody,
  OrderDetail,
  OrderFilter,
  OrderInput,
  OrderSummary,
  SessionInfo,
  SyncReport,
  SyncStatus,
  UserInfo,
} from "./types";

export type BackendEvent = "sync-status" | "data-changed" | "signed-out" | "signed-in";

/** What the UI needs from the device: the Tauri app in production, a mock in browser tests. */
export interface Backend {
  defaults(): Promise<Defaults>;
  session(): Promise<SessionInfo | null>;
  login(serverUrl: string, tenant: string, login: string, password: string): Promise<SessionInfo>;
  logout(discard: boolean): Promise<void>;
  listOrders(filter: OrderFilter): Promise<OrderSummary[]>;
  getOrder(id: string): Promise<OrderDetail>;
  createOrder(input: OrderInput): Promise<OrderDetail>;
  updateOrder(id: string, input: OrderInput): Promise<OrderDetail>;
  dispatchOrder(id: string, to: string[]): Promise<OrderDetail>;
  acceptOrder(id: string): Promise<OrderDetail>;
  rejectOrder(id: string, reason: string): Promise<OrderDetail>;
  listCustomers(): Promise<CustomerView[]>;
  createCustomer(input: CustomerInput): Promise<CustomerView>;
  directory(): Promise<UserInfo[]>;
  syncStatus(): Promise<SyncStatus>;
  syncNow(): Promise<SyncReport>;
  /** Subscribe to a backend event; returns the unsubscribe function. */
  on(event: BackendEvent, handler: (payload: unknown) => void): () => void;
}

export class BackendError extends Error implements ErrorBody {
  code: string;
  constructor(body: ErrorBody) {
    super(body.message);
    this.code = body.code;
  }
}

/** Turn whatever was thrown into `{code, message}`. */
export function toError(e: unknown): BackendError {
  if (e instanceof BackendError) return e;
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    return new BackendError({ code: String(e.code), message: String(e.message) });
  }
  return new BackendError({ code: "unknown", message: e instanceof Error ? e.message : String(e) });
}
