// Mirrors of the Rust types that cross IPC (fieldops-core). Keep in step with
// core/src/workspace.rs, core/src/protocol.rs and core/src/model/.

export type Role = "admin" | "supervisor" | "technician";
export type OrderType =
  | "installation"
  | "repair"
  | "upgrade"
  | "maintenance"
  | "inspection"
  | "testing"
  | "training"
  | "complaint";
export type Priority = "low" | "normal" | "high" | "urgent";
export type Status = "new" | "dispatched" | "accepted" | "rejected" | "conflict";
export type Action = "edit" | "dispatch" | "accept" | "reject";
export type EventKind = "created" | "dispatched" | "accepted" | "rejected";

export const ORDER_TYPES: OrderType[] = [
  "installation",
  "repair",
  "upgrade",
  "maintenance",
  "inspection",
  "testing",
  "training",
  "complaint",
];
export const PRIORITIES: Priority[] = ["low", "normal", "high", "urgent"];
export const STATUSES: Status[] = ["new", "dispatched", "accepted", "rejected", "conflict"];

export interface UserInfo {
  id: string;
  login: string;
  name: string;
  role: Role;
}

export interface Session {
  server_url: string;
  tenant: string;
  user: UserInfo;
  device_id: string;
}

export type TokenHome = { kind: "keyring" } | { kind: "memory"; reason: string };

export interface SessionInfo {
  session: Session;
  token_home: TokenHome;
}

export interface Defaults {
  server_url: string;
  tenant: string;
}

export interface SiteView {
  id: string;
  name: string;
  address: string;
  lat: number;
  lon: number;
}

export interface CustomerView {
  id: string;
  name: string;
  phone: string;
  sites: SiteView[];
  pending: boolean;
}

export interface SiteInput {
  id?: string | null;
  name: string;
  address: string;
  lat: number;
  lon: number;
}

export interface CustomerInput {
  name: string;
  phone: string;
  sites: SiteInput[];
}

export interface OrderInput {
  order_type: OrderType;
  priority: Priority;
  customer_id: string;
  site_id: string;
  description: string;
  scheduled_start: number | null;
  scheduled_end: number | null;
}

export interface OrderSummary {
  id: string;
  status: Status;
  order_type: OrderType;
  priority: Priority;
  customer_id: string;
  customer_name: string | null;
  site_id: string;
  description: string;
  scheduled_start: number | null;
  scheduled_end: number | null;
  created_at: number;
  updated_at: number;
  assignees: string[];
  conflicts: string[];
  pending: boolean;
}

export interface OrderEvent {
  id: string;
  kind: EventKind;
  at: number;
  tz_offset_min: number;
  by: string;
  to?: string[];
  reason?: string | null;
}

export interface OrderDetail extends OrderSummary {
  site: SiteView | null;
  events: OrderEvent[];
  actions: Action[];
}

export interface OrderFilter {
  status?: Status | null;
  assignee?: string | null;
  text?: string | null;
}

export interface RejectedDoc {
  doc: string;
  reason: string;
}

export interface SyncStatus {
  signed_in: boolean;
  pending: number;
  last_sync_at: number | null;
  last_error: string | null;
  online: boolean;
  rejected: RejectedDoc[];
}

export interface SyncReport {
  round_trips: number;
  pushed: number;
  accepted: number;
  pulled: number;
  revoked: number;
  cursor: number;
}

/** Every error from the backend: a stable code the UI can act on, and words for people. */
export interface ErrorBody {
  code: string;
  message: string;
}
