// Mirrors of the Rust types that cross IPC (fieldops-core). Keep in step with
// core/src/workspace.rs, core/src/protocol.rs and core/src/model/.

export type Role = "admin" | "supervisor" | "technician" | "warehouse";
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
export type Status =
  | "new"
  | "dispatched"
  | "accepted"
  | "rejected"
  | "travelling"
  | "on_site"
  | "checked_out"
  | "completed"
  | "settled"
  | "cancelled"
  | "conflict";
export type Action =
  | "edit"
  | "dispatch"
  | "accept"
  | "reject"
  | "travel"
  | "check_in"
  | "progress"
  | "check_out"
  | "complete"
  | "rate"
  | "settle"
  | "reopen"
  | "cancel"
  | "resolve"
  | "field_entry"
  | "costs";
export type EventKind =
  | "created"
  | "dispatched"
  | "accepted"
  | "rejected"
  | "travelling"
  | "checked_in"
  | "progress"
  | "checked_out"
  | "completed"
  | "rated"
  | "settled"
  | "reopened"
  | "cancelled"
  | "resolved";
export type ChargeKind = "parts_fee" | "service_fee" | "travel_fee" | "other";
export type CostKind = "parts_cost" | "labour" | "travel" | "other";
export const CHARGE_KINDS: ChargeKind[] = ["parts_fee", "service_fee", "travel_fee", "other"];
export const COST_KINDS: CostKind[] = ["parts_cost", "labour", "travel", "other"];

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
export const STATUSES: Status[] = [
  "new",
  "dispatched",
  "accepted",
  "rejected",
  "travelling",
  "on_site",
  "checked_out",
  "completed",
  "settled",
  "cancelled",
  "conflict",
];

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
  /** Map tiles ({z}/{x}/{y}); null: points on a plain background. */
  tile_url?: string | null;
}

export interface MapSite {
  order_id: string;
  display_number: string;
  status: Status;
  customer_name: string | null;
  site_name: string;
  lat: number;
  lon: number;
  assignees: string[];
}

export interface MapCheckIn {
  event_id: string;
  order_id: string;
  display_number: string;
  user_id: string;
  kind: "checked_in" | "checked_out";
  at: number;
  lat: number;
  lon: number;
  source: string;
  verdict: FenceVerdict | null;
  distance_m: number | null;
  radius_m: number | null;
}

export interface MapData {
  sites: MapSite[];
  check_ins: MapCheckIn[];
  last_positions: MapCheckIn[];
}

export interface SiteView {
  id: string;
  name: string;
  address: string;
  lat: number;
  lon: number;
  geofence_m: number | null;
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
  /** Metres; absent or null: the company default. */
  geofence_m?: number | null;
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
  equipment_ids?: string[];
  project_id?: string | null;
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
  number: string | null;
  display_number: string;
  currency: string | null;
  charges_net: number;
  charges_total: number;
  costs_total: number;
  gross_profit: number;
  completed_at: number | null;
  rating: number | null;
}

export interface Position {
  lat: number;
  lon: number;
  accuracy_m?: number | null;
  altitude_m?: number | null;
  /** The platform flagged a mock-location app (Android). */
  mock?: boolean | null;
  source: "gps" | "network" | "manual" | "simulated";
}

export type FenceVerdict = "verified" | "outside" | "inaccurate" | "manual" | "no_position";

export interface FenceCheck {
  verdict: FenceVerdict;
  distance_m: number | null;
  radius_m: number;
}

export interface Address {
  text: string;
  source: "site" | "gazetteer" | "provider";
  distance_m: number;
}

export interface CheckInView {
  event_id: string;
  kind: "checked_in" | "checked_out";
  at: number;
  by: string;
  position: Position | null;
  fence: FenceCheck | null;
  address: Address | null;
}

export interface OrderEvent {
  id: string;
  kind: EventKind;
  at: number;
  tz_offset_min: number;
  by: string;
  to?: string[];
  reason?: string | null;
  note?: string | null;
  resolution?: string | null;
  position?: Position | null;
  stars?: number | null;
  comment?: string | null;
  resolves?: string[];
}

export interface ChecklistItem {
  id: string;
  label: string;
  required: boolean;
  done: boolean;
  done_by: string | null;
  done_at: number | null;
}

export interface LineAmounts {
  gross: number;
  discount: number;
  net: number;
  tax: number;
  total: number;
}

export interface ChargeInput {
  kind: ChargeKind;
  description: string;
  quantity_milli: number;
  unit_price_minor: number;
  discount_bp: number;
  tax_rate_bp: number;
  currency: string;
}

export interface CostInput {
  kind: CostKind;
  description: string;
  quantity_milli: number;
  unit_cost_minor: number;
  currency: string;
}

export interface ChargeView extends ChargeInput {
  id: string;
  by: string;
  at: number;
  amounts: LineAmounts;
  /** Set when the line is a part taken from stock. */
  movement_id?: string | null;
}

export interface CostView extends CostInput {
  id: string;
  by: string;
  at: number;
  amount: number;
  movement_id?: string | null;
  /** A parts cost's catalogue cost now, when it differs from the line's (the line stays as recorded). */
  catalogue_cost_minor?: number | null;
}

export interface Totals {
  currency: string | null;
  charges_net: number;
  charges_tax: number;
  charges_total: number;
  costs_total: number;
  gross_profit: number;
  margin_bp: number | null;
  other_currency_lines: string[];
}

export interface OrderDetail extends OrderSummary {
  site: SiteView | null;
  events: OrderEvent[];
  actions: Action[];
  underlying_status: Status;
  conflict_events: string[];
  checklist: ChecklistItem[];
  missing_required: string[];
  charges: ChargeView[];
  costs: CostView[];
  totals: Totals;
  resolution: string | null;
  rating_comment: string | null;
  on_site_ms: number;
  /** Server-received time per event id; missing until the event reached the server. */
  received: Record<string, number>;
  signature: SignatureRef | null;
  signature_required: boolean;
  equipment: EquipmentView[];
  project: ProjectView | null;
  check_ins: CheckInView[];
  photos: PhotoView[];
}

export interface PhotoView {
  id: string;
  hash: string;
  thumb_hash: string;
  caption: string;
  width: number;
  height: number;
  by: string;
  at: number;
  event_id?: string | null;
  position?: Position | null;
}

export interface PhotoInput {
  caption: string;
  event_id?: string | null;
  position?: Position | null;
}

/** A machine at a customer's site, as typed (dates are YYYY-MM-DD). */
export interface EquipmentInfo {
  name: string;
  model: string;
  serial: string;
  customer_id: string;
  site_id: string;
  project_id: string | null;
  installed_on: string | null;
  warranty_until: string | null;
  maintenance_interval_days: number | null;
  notes: string;
}

export interface EquipmentView extends EquipmentInfo {
  id: string;
  customer_name: string | null;
  site_name: string | null;
  project_name: string | null;
  service_count: number;
  last_service_at: number | null;
  pending: boolean;
}

export interface EquipmentFilter {
  customer_id?: string | null;
  project_id?: string | null;
  text?: string | null;
}

export const PROJECT_STATUSES = ["planned", "active", "closed"] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

export interface ProjectInfo {
  name: string;
  code: string;
  customer_id: string;
  status: ProjectStatus;
  start_on: string | null;
  end_on: string | null;
  budget_minor: number | null;
  currency: string;
  description: string;
}

export interface ProjectView extends ProjectInfo {
  id: string;
  customer_name: string | null;
  order_count: number;
  open_orders: number;
  charges_net: number;
  costs_total: number;
  gross_profit: number;
  pending: boolean;
}

export interface SignatureRef {
  hash: string;
  signer: string;
  by: string;
  at: number;
}

export interface BlobData {
  content_type: string;
  data_base64: string;
}

export interface OrderFilter {
  status?: Status | null;
  statuses?: Status[] | null;
  assignee?: string | null;
  text?: string | null;
  project_id?: string | null;
  equipment_id?: string | null;
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

export interface RecordFilter {
  order_type?: OrderType | null;
  customer_id?: string | null;
  equipment_id?: string | null;
  technician?: string | null;
  from?: number | null;
  to?: number | null;
  text?: string | null;
}

export interface RecordView {
  order_id: string;
  number: string | null;
  display_number: string;
  order_type: OrderType;
  customer_id: string;
  customer_name: string | null;
  technicians: string[];
  completed_at: number;
  description: string;
  resolution: string | null;
  charges_total: number;
  currency: string | null;
  rating: number | null;
  status: Status;
}

export interface TemplateItem {
  label: string;
  required: boolean;
}

export interface Template {
  checklist: TemplateItem[];
  signature_required: boolean;
  rating_asked: boolean;
  default_duration_min: number;
}

export interface TemplateView extends Template {
  order_type: OrderType;
}

export interface SavedReport {
  path: string;
  bytes: number;
  /** The PDF itself, for the preview. */
  data_base64: string;
}

export type ClockKind = "clock_in" | "clock_out";

export interface ClockEvent {
  id: string;
  kind: ClockKind;
  at: number;
  position: Position | null;
}

export interface AttendanceState {
  clocked_in_since: number | null;
  today: ClockEvent[];
}

export interface SiteTime {
  order_id: string;
  display_number: string;
  customer_name: string | null;
  minutes: number;
  open: boolean;
}

export interface AttendanceRow {
  user_id: string;
  day: string;
  clock_in: number | null;
  clock_out: number | null;
  worked_minutes: number;
  first_check_in: number | null;
  last_check_in: number | null;
  check_ins: number;
  flagged_check_ins: number;
  customers_visited: number;
  on_site: SiteTime[];
}

export interface SavedExport {
  path: string;
  content: string;
}

export interface PartInfo {
  sku: string;
  name_zh: string;
  name_en: string;
  category_id: string | null;
  unit: string;
  barcode: string;
  sale_price_minor: number;
  cost_minor: number;
  currency: string;
  min_stock: number;
  compatible_models: string[];
  /** Blob hash of the part's picture (320 px JPEG). */
  photo?: string | null;
}

export interface PartView extends PartInfo {
  id: string;
  category_path: string | null;
  total_level: number;
  pending: boolean;
}

export interface CategoryView {
  id: string;
  name: string;
  parent_id: string | null;
  path: string;
  depth: number;
}

export type LocationKind = "warehouse" | "van";

export interface LocationView {
  id: string;
  kind: LocationKind;
  name: string;
  owner: string | null;
  pending: boolean;
}

export interface LevelView {
  location_id: string;
  location_name: string;
  part_id: string;
  sku: string;
  name_zh: string;
  name_en: string;
  unit: string;
  level: number;
  defective: number;
  min_stock: number;
}

export type MovementKind = "receive" | "transfer_out" | "transfer_in" | "issue" | "return" | "defective" | "adjust";

export interface MovementView {
  id: string;
  location_id: string;
  part_id: string;
  kind: MovementKind;
  qty: number;
  by: string;
  at: number;
  order_id: string | null;
  request_id: string | null;
  note: string;
}

/** One counted part of a stock-take. */
export interface StockCount {
  part_id: string;
  counted: number;
}

/** What a stock-take changed for one part: the level known before, the count, the adjustment (0: agreed). */
export interface StockTakeLine {
  part_id: string;
  sku: string;
  was: number;
  counted: number;
  adjustment: number;
}

export interface StockAlert extends LevelView {
  kind: "oversold" | "low_stock";
  movements: MovementView[];
}

export type RequestStatus = "requested" | "approved" | "rejected" | "issued" | "received" | "cancelled";

export interface RequestEvent {
  id: string;
  kind: RequestStatus;
  by: string;
  at: number;
  reason?: string | null;
  approved?: Record<string, number> | null;
  from_location?: string | null;
}

export interface RequestLineView {
  id: string;
  part_id: string;
  sku: string | null;
  name: string | null;
  asked: number;
  qty: number;
  reason: string;
}

export interface RequestView {
  id: string;
  by: string;
  to_location: string;
  order_id: string | null;
  status: RequestStatus;
  lines: RequestLineView[];
  events: RequestEvent[];
  conflicts: string[];
  from_location: string | null;
  requested_at: number;
  closed_at: number | null;
  pending: boolean;
}

export interface RequestLineInput {
  part_id: string;
  qty: number;
  reason: string;
}

export type TableFormat = "csv" | "xlsx";

export interface SavedFile {
  path: string;
  data_base64: string;
}

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  categories_created: number;
  errors: { row: number; message: string }[];
}

export interface Tally {
  key: string;
  label: string;
  value: number;
}

export interface PartsStats {
  by_part: Tally[];
  by_technician: Tally[];
  by_customer: Tally[];
  by_month: Tally[];
  stock_value: Tally[];
  slow_movers: Tally[];
  requests_by_status: Tally[];
  mean_turnaround_hours: number | null;
}
