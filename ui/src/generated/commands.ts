// Generated from the Rust command declarations (core/device/src/app): do not edit.
// `make bindings` writes it anew; a Rust test fails when it is stale.

/**
 * The next steps the signed-in user may take on an order.
 */

export type Action = "edit" | "dispatch" | "accept" | "reject" | "travel" | "check_in" | "progress" | "check_out" | "complete" | "rate" | "settle" | "reopen" | "cancel" | "resolve" | "field_entry" | "worksheet" | "withdraw_signature" | "sign" | "costs" | "accept_request" | "share_with_customer";

export type Address = { text: string, source: AddressSource, 
/**
 * How far the named place is from the position (0 for a provider's street address).
 */
distance_m: number, };

export type AddressSource = "site" | "gazetteer" | "provider";

/**
 * Why an alert was set aside, and by whom.
 */

export type AlertAck = { by: string, at: number, reason: string, };

/**
 * Which alerts to list (all of them when nothing is set).
 */

export type AlertFilter = { state?: AlertState | null, kind?: AlertKind | null, customer_id?: string | null, technician_id?: string | null, equipment_id?: string | null, };

export type AlertKind = "warranty" | "maintenance" | "inspection" | "not_accepted" | "not_completed";

export type AlertList = { 
/**
 * Today in the company's calendar (YYYY-MM-DD) and that calendar's name.
 */
today: string, time_zone: string, alerts: Array<AlertView>, 
/**
 * Open alerts (due soon and overdue) by kind, before the filter.
 */
open_counts: { [key in string]: number }, };

/**
 * A company's rule for one kind of alert (tenant settings, edited by administrators).
 */

export type AlertRule = { enabled: boolean, 
/**
 * Machines: days before the due date the "due soon" warning starts. Not accepted: hours
 * after dispatch. Not completed: hours before the scheduled end.
 */
lead: number, 
/**
 * Days between overdue reminders.
 */
repeat_every_days: number, 
/**
 * Who hears of it, by which channels (the server sends).
 */
notify: Notify, };

export type AlertSettings = { time_zone: string, rules: Array<KindRule>, };

export type AlertState = "overdue" | "due_soon" | "acknowledged";

/**
 * An alert with the names a person reads.
 */

export type AlertView = { customer_name: string | null, site_name: string | null, equipment_name: string | null, equipment_model: string | null, plan_name: string | null, 
/**
 * The order's number, provisional (WO-DRAFT-…) until the server gives one.
 */
order_number: string | null, technician_names: Array<string>, acknowledged_by_name: string | null, 
/**
 * `{kind}:{object}:{plan or -}:{due}`: one alert per rule, object and due date.
 */
key: string, kind: AlertKind, state: AlertState, 
/**
 * Machines: the due date (the company's calendar).
 */
due_on: string | null, 
/**
 * Orders: the due instant (ms).
 */
due_at: number | null, 
/**
 * Machines: days until the due date (negative: overdue). Orders: hours.
 */
left: number, 
/**
 * 0 for the "due soon" warning; n ≥ 1 for the n-th overdue reminder.
 */
reminder: number, customer_id: string, site_id: string, equipment_id: string | null, plan_id: string | null, plan_kind: PlanKind | null, 
/**
 * The late order, or the order made for a planned visit (none made yet: none).
 */
order_id: string | null, 
/**
 * Whether that order exists.
 */
order_exists: boolean, 
/**
 * Orders (not cancelled) made for this planned visit: more than one when two people made
 * one offline at the same time; a supervisor then cancels the extra ones.
 */
visit_orders: number, 
/**
 * Who the work is for: the order's assignees or the plan's technician.
 */
technician_ids: Array<string>, ack: AlertAck | null, };

/**
 * How the device's data is kept on this device.
 */

export type AtRest = "encrypted" | "plain_no_secure_store" | "plain_not_in_this_build";

export type AttachmentView = { hash: string, 
/**
 * Kept on this device: it opens without a network.
 */
on_device: boolean, name: string, mime: string, bytes: number, by: string, at: number, };

/**
 * One person on one local day.
 */

export type AttendanceRow = { user_id: string, day: string, clock_in: number | null, clock_out: number | null, 
/**
 * Sum of clock-in → clock-out spans.
 */
worked_minutes: number, first_check_in: number | null, last_check_in: number | null, check_ins: number, flagged_check_ins: number, customers_visited: number, on_site: Array<SiteTime>, };

export type AttendanceState = { 
/**
 * When the signed-in person clocked in, if they are clocked in now.
 */
clocked_in_since: number | null, 
/**
 * Today's clock events (local day), oldest first.
 */
today: Array<ClockEvent>, };

/**
 * One line of the audit log. Times are milliseconds since the epoch.
 */

export type AuditEntry = { seq: number, at: number, kind: AuditKind, 
/**
 * Who acted (absent for a failed sign-in of an unknown login).
 */
user_id: string | null, 
/**
 * The login as typed or as stored.
 */
login: string | null, device_id: string | null, address: string | null, code: ErrorCode | null, 
/**
 * The document concerned, or the person or device an administrator acted on.
 */
subject: string | null, 
/**
 * What changed: fields touched, role given, and the like (plain data, no secrets).
 */
detail: string, };

export type AuditKind = "sign_in" | "sign_in_failed" | "sign_out" | "sync_refused" | "change_accepted" | "person_added" | "person_changed" | "password_reset" | "device_revoked" | "device_wiped" | "setup_completed" | "channel_changed" | "portal_link_changed" | "invitation_sent" | "invitation_accepted";

/**
 * A search of the audit log, newest first.
 */

export type AuditQuery = { 
/**
 * Words found in the login, subject or detail.
 */
text: string | null, kind: AuditKind | null, since: number | null, until: number | null, 
/**
 * Entries older than this sequence number (the next page).
 */
before: number | null, 
/**
 * At most `MAX_AUDIT_PAGE`.
 */
limit: number | null, };

/**
 * A blob for display.
 */

export type BlobData = { content_type: string, data_base64: string, };

export type Bucket = { 
/**
 * Where the week (Monday) or month starts, in the viewer's time zone: YYYY-MM-DD.
 */
starts: string, created: Drill, completed: Drill, 
/**
 * Of the repairs on a machine completed in the bucket, those fixed the first time.
 */
first_time_fix_bp: number | null, 
/**
 * Median time from creation to arrival of the orders that arrived in the bucket.
 */
median_response_ms: number | null, 
/**
 * Gross profit of the orders completed in the bucket, per currency.
 */
gross_profit: Array<CurrencyAmount>, };

export type CategoryView = { id: string, name: string, parent_id: string | null, 
/**
 * "Compressors / Valves": the names from the root.
 */
path: string, depth: number, };

export type Channel = "app" | "email" | "wechat_work" | "sms";

/**
 * `PUT /v1/admin/notify/channels`: one channel's settings.
 */

export type ChannelSetup = { "channel": "email" } & EmailSetup | { "channel": "wechat_work" } & WechatWorkSetup | { "channel": "sms" } & SmsSetup;

/**
 * A channel's settings as the app sees them (no secrets).
 */

export type ChannelView = { "channel": "email", host: string, port: number, security: SmtpSecurity, username: string, password_set: boolean, from: string, } | { "channel": "wechat_work", 
/**
 * The address up to its key, e.g. `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`.
 */
webhook_hint: string, language: Language, } | { "channel": "sms", url: string, secret_set: boolean, language: Language, };

/**
 * What a technician types for a charge line.
 */

export type ChargeInput = { kind: ChargeKind, description: string, quantity_milli: number, unit_price_minor: number, discount_bp: number, tax_rate_bp: number, currency: string, };

export type ChargeKind = "parts_fee" | "service_fee" | "travel_fee" | "other";

export type ChargeView = { id: string, amounts: LineAmounts, kind: ChargeKind, description: string, quantity_milli: number, unit_price_minor: number, discount_bp: number, tax_rate_bp: number, currency: string, by: string, at: number, 
/**
 * Set when the line records a part taken from stock (the movement in the location's ledger).
 */
movement_id?: string | null, };

export type CheckInView = { event_id: string, kind: EventKind, at: number, by: string, position: Position | null, 
/**
 * None when the order's site is not known on this device.
 */
fence: FenceCheck | null, 
/**
 * Where the position is, in words (None without a position).
 */
address: Address | null, };

export type ChecklistView = { id: string, label: string, 
/**
 * The label's English and Chinese parts, when it is written "English / 中文".
 */
label_en: string | null, label_zh: string | null, required: boolean, done: boolean, done_by: string | null, done_at: number | null, };

/**
 * Why an event does not fit where it lands in the order's history.
 */

export type Clash = { "clash": "not_assigned", by: string, event: EventKind, assignees: Array<string>, } | { "clash": "not_now", by: string, event: EventKind, status: Status, } | { "clash": "completed_again", by: string, } | { "clash": "reassigned_over_work", by: string, to: Array<string>, taken_off: Array<[string, EventKind]>, };

export type ClockEvent = { id: string, kind: ClockKind, at: number, position: Position | null, };

export type ClockKind = "clock_in" | "clock_out";

/**
 * The company as its customers see it on paper.
 */

export type CompanyProfile = { name: string, address: string, phone: string, 
/**
 * The logo as a PNG in Base64 (the device scales it down before it is stored); empty:
 * none.
 */
logo_png_base64: string, };

/**
 * `PUT /v1/admin/people/{id}/contact`: a person's e-mail address, mobile number (empty:
 * none) and the language of the messages they receive.
 */

export type Contact = { email: string, phone: string, language: Language, };

export type ContactInput = { 
/**
 * Absent for a new contact.
 */
id?: string | null, name: string, 
/**
 * What they do there ("设备科 Equipment office", "Plant manager"); empty when not given.
 */
role: string, phone: string, email: string, };

export type ContactView = { id: string, name: string, 
/**
 * What they do there ("设备科 Equipment office", "Plant manager"); empty when not given.
 */
role: string, phone: string, email: string, };

/**
 * What a supervisor types for a cost line.
 */

export type CostInput = { kind: CostKind, description: string, quantity_milli: number, unit_cost_minor: number, currency: string, };

export type CostKind = "parts_cost" | "labour" | "travel" | "other";

export type CostView = { id: string, amount: number, 
/**
 * For a parts cost tied to a stock movement: the part's catalogue cost now, when it is
 * not what the line says (a price changed since, or a line written past the app). The
 * line is kept as recorded; whoever settles the order sees the difference.
 */
catalogue_cost_minor: number | null, kind: CostKind, description: string, quantity_milli: number, unit_cost_minor: number, currency: string, by: string, at: number, 
/**
 * Set when the line is the cost of a part taken from stock; the technician who used the
 * part records it with the part's catalogue cost.
 */
movement_id?: string | null, };

export type CurrencyAmount = { currency: string, minor: number, };

/**
 * What a person types to create or edit a customer.
 */

export type CustomerInput = { name: string, phone: string, region: string, sites: Array<SiteInput>, contacts: Array<ContactInput>, report_language: ReportLanguage, };

/**
 * The customer's side of a portal request: who to call and when it suits them.
 */

export type CustomerRequest = { contact_name: string, contact_phone: string, contact_email: string, preferred_time: string, 
/**
 * `zh-CN` or `en`: the language of the customer's messages.
 */
language: string, 
/**
 * Whether it came through a machine's label (`machine`) or the customer's link.
 */
via: string, };

export type CustomerView = { id: string, name: string, phone: string, region: string, sites: Array<SiteView>, 
/**
 * Oldest first: the first is the main contact.
 */
contacts: Array<ContactView>, report_language: ReportLanguage, pending: boolean, };

/**
 * What the sign-in screen starts with.
 */

export type Defaults = { server_url: string, tenant: string, };

export type DeliveryState = "pending" | "sent" | "retrying" | "failed";

/**
 * A device as the administrator sees it. Times are milliseconds since the epoch.
 */

export type DeviceView = { id: string, name: string, platform: string, model: string, app_version: string, first_seen: number, 
/**
 * The last sign-in or sync.
 */
last_seen: number, last_address: string | null, 
/**
 * Whether a token of this device is still valid.
 */
signed_in: boolean, revoked: Revocation | null, };

/**
 * A number of orders, and which.
 */

export type Drill = { count: number, orders: Array<string>, };

/**
 * What an administrator sets for e-mail. `password: None` keeps the stored one.
 */

export type EmailSetup = { host: string, port: number, security: SmtpSecurity, 
/**
 * Empty: no authentication.
 */
username: string, password: string | null, 
/**
 * The sender, e.g. `FieldOps <service@example.com>` or `service@example.com`.
 */
from: string, };

export type EntryAction = "edit" | "publish" | "archive" | "unpublish";

/**
 * What a person writes of an entry; saved field by field.
 */

export type EntryContent = { title: string, 
/**
 * Markdown without HTML; images only from the entry's own attachments.
 */
body: string, tags: Array<string>, 
/**
 * Equipment models it applies to, as written on the machine's plate ("KX-200").
 */
models: Array<string>, order_types: Array<OrderType>, 
/**
 * Fault entries: the code the machine shows, the symptom, causes from the most likely,
 * the steps that fix it, and the catalogue parts usually needed.
 */
fault_code: string, symptom: string, causes: Array<string>, steps: Array<string>, parts: Array<string>, };

export type EntryDetail = { id: string, kind: EntryKind, status: EntryStatus, content: EntryContent, 
/**
 * The body as safe HTML (no scripts, nothing fetched; attachments as `#attachment-…`).
 */
html: string, created_by: string, created_at: number, revised: Revision, attachments: Array<AttachmentView>, parts: Array<EntryPart>, from_order: string | null, fixed_orders: Array<FixedOrder>, pinned: boolean, actions: Array<EntryAction>, };

export type EntryKind = "article" | "fault";

/**
 * A catalogue part an entry names.
 */

export type EntryPart = { id: string, sku: string, name_zh: string, name_en: string, };

export type EntryStatus = "draft" | "published" | "archived";

/**
 * One search hit, with the matched words marked.
 */

export type EntrySummary = { id: string, kind: EntryKind, status: EntryStatus, title: Array<Segment>, snippet: Array<Segment>, fault_code: string, models: Array<string>, tags: Array<string>, 
/**
 * Orders on this device marked as fixed with this entry.
 */
fixes: number, revised: Revision, };

/**
 * Which equipment to list.
 */

export type EquipmentFilter = { customer_id?: string | null, project_id?: string | null, 
/**
 * Matches name, model and serial number.
 */
text?: string | null, };

/**
 * What a person types about a machine; edited field by field.
 */

export type EquipmentInfo = { 
/**
 * What people call it on site ("2号冷水机组", "Chiller 2").
 */
name: string, model: string, serial: string, customer_id: string, site_id: string, project_id: string | null, 
/**
 * Calendar dates, YYYY-MM-DD.
 */
installed_on: string | null, warranty_until: string | null, 
/**
 * Days between planned maintenance visits.
 */
maintenance_interval_days: number | null, notes: string, };

export type EquipmentView = { id: string, customer_name: string | null, site_name: string | null, project_name: string | null, 
/**
 * Completed orders that name this machine.
 */
service_count: number, last_service_at: number | null, 
/**
 * Whether the warranty has ended by this device's local date; none without a date.
 */
warranty_expired: boolean | null, pending: boolean, 
/**
 * What people call it on site ("2号冷水机组", "Chiller 2").
 */
name: string, model: string, serial: string, customer_id: string, site_id: string, project_id: string | null, 
/**
 * Calendar dates, YYYY-MM-DD.
 */
installed_on: string | null, warranty_until: string | null, 
/**
 * Days between planned maintenance visits.
 */
maintenance_interval_days: number | null, notes: string, };

/**
 * The shape in which errors cross IPC and HTTP.
 */

export type ErrorBody = { code: ErrorCode, message: string, 
/**
 * For a refused field: which and why, so the UI can say it in the person's language.
 */
field?: FieldProblem, 
/**
 * For a request a rule refused: which rule, with its parameters.
 */
refusal?: Refusal, };

/**
 * Every code a FieldOps error can carry across IPC and HTTP; docs/PROTOCOL.md lists them.
 * Serialised as the snake_case strings of the protocol.
 */

export type ErrorCode = "invalid_input" | "not_found" | "forbidden" | "corrupt_document" | "corrupt_changes" | "crdt" | "not_signed_in" | "storage" | "network" | "bad_request" | "unauthorized" | "invalid_token" | "token_expired" | "bad_credentials" | "conflict" | "too_large" | "concurrent_write" | "invalid_document" | "unknown_doc_type" | "invalid_changes" | "wrong_doc_type" | "missing_dependencies" | "foreign_actor" | "out_of_scope" | "busy" | "too_many_attempts" | "invalid_blob" | "invalid_hash" | "hash_mismatch" | "device_revoked" | "setup_link_invalid" | "invitation_link_invalid" | "unknown";

export type EventKind = "created" | "dispatched" | "accepted" | "rejected" | "travelling" | "checked_in" | "progress" | "checked_out" | "completed" | "rated" | "settled" | "reopened" | "cancelled" | "resolved" | "requested" | "request_accepted" | "shared_note" | "customer_rated" | "fixed_with" | "signature_withdrawn";

export type FenceCheck = { verdict: FenceVerdict, 
/**
 * Distance from the site in metres; None without a position.
 */
distance_m: number | null, radius_m: number, };

export type FenceVerdict = "verified" | "outside" | "inaccurate" | "manual" | "no_position";

/**
 * A field a person types, named so the UI can say which one in the person's language.
 */

export type Field = "chinese_name" | "english_name" | "sku" | "address" | "barcode" | "category_name" | "charge_description" | "checklist_item" | "comment" | "company" | "compatible_model" | "cost_description" | "customer_name" | "description" | "equipment_name" | "event_text" | "location_name" | "login" | "model" | "note" | "notes" | "order_number" | "phone" | "photo_caption" | "project_code" | "project_name" | "reason" | "resolution" | "serial_number" | "signer" | "site_address" | "region" | "site_name" | "unit" | "end_date" | "from" | "installation_date" | "start_date" | "to" | "warranty_end" | "latitude" | "longitude" | "accuracy" | "altitude" | "password" | "person_name" | "contact_role" | "tile_url" | "attribution" | "plan_name" | "team_name" | "team_members" | "interval" | "days_ahead" | "duration_minutes" | "warn_before" | "repeat_every" | "target" | "email" | "smtp_host" | "smtp_port" | "sender" | "webhook_url" | "secret" | "recurrence" | "preferred_time" | "title" | "body" | "tag" | "fault_code" | "symptom" | "cause" | "step" | "file_name";

/**
 * A refused field and why: the parameters the UI needs to say it in the person's language.
 */

export type FieldProblem = { field: Field, problem: Problem, };

/**
 * A file with what is wrong with it, in the terms the UI words.
 */

export type FileProblem = { file: string, problem: ErrorBody, };

/**
 * How far a first sync has come: documents received of those the person may read.
 */

export type FirstSyncProgress = { received: number, total: number, };

/**
 * An order an entry fixed.
 */

export type FixedOrder = { order_id: string, number: string | null, description: string, status: string, };

/**
 * A place a geocoding service found for typed words.
 */

export type GeocodeHit = { label: string, lat: number, lon: number, };

export type ImportReport = { created: number, updated: number, unchanged: number, categories_created: number, 
/**
 * When not empty, nothing was imported.
 */
errors: Array<RowError>, };

/**
 * `GET /v1/notifications`: the newest messages and how many are unread.
 */

export type Inbox = { unread: number, items: Array<Notification>, };

/**
 * `POST /v1/admin/invitations`: a new person who chooses their own password through a
 * one-time link sent to `email` (the administrator never knows it).
 */

export type Invitation = { login: string, name: string, role: Role, email: string, 
/**
 * The language of the e-mail (and of the person's later notifications).
 */
language: Language, };

/**
 * What an invitation (or a link sent again) answered.
 */

export type InvitationSent = { user: UserInfo, 
/**
 * Where the link went.
 */
email: string, 
/**
 * Until when it works (milliseconds since the epoch).
 */
expires_at: number, };

export type KindRule = { kind: AlertKind, enabled: boolean, 
/**
 * Machines: days before the due date the "due soon" warning starts. Not accepted: hours
 * after dispatch. Not completed: hours before the scheduled end.
 */
lead: number, 
/**
 * Days between overdue reminders.
 */
repeat_every_days: number, 
/**
 * Who hears of it, by which channels (the server sends).
 */
notify: Notify, };

/**
 * The models and tags in use, for the filters.
 */

export type KnowledgeFacets = { models: Array<string>, tags: Array<string>, };

export type KnowledgeImport = { 
/**
 * The titles of the entries made.
 */
created: Array<string>, attachments: number, 
/**
 * When not empty, nothing was imported.
 */
problems: Array<FileProblem>, };

/**
 * What the search box and its filters ask.
 */

export type KnowledgeSearch = { query: string, kind: EntryKind | null, model: string | null, tag: string | null, order_type: OrderType | null, 
/**
 * None: what a technician works from (published, and one's own drafts).
 */
status: EntryStatus | null, limit: number | null, };

export type Kpis = { 
/**
 * Open now (snapshot, not of the period).
 */
open: Drill, 
/**
 * Open now and past their scheduled end.
 */
overdue: Drill, 
/**
 * Completed in the period.
 */
completed: Drill, 
/**
 * Of the repairs completed in the period on a machine, those without another order for
 * the machine within 30 days, in basis points; None when there were none.
 */
first_time_fix_bp: number | null, 
/**
 * The repairs that rate counts.
 */
first_time_fix_orders: Drill, 
/**
 * Median time from creation to arrival on site of the orders that arrived in the period.
 */
median_response_ms: number | null, 
/**
 * The orders that median counts.
 */
arrived: Drill, 
/**
 * Gross profit of the orders completed in the period, per currency (minor units).
 */
gross_profit: Array<CurrencyAmount>, 
/**
 * The orders that profit counts (completed in the period, with charges or costs).
 */
with_money: Drill, 
/**
 * Orders reopened in the period after they had been finished.
 */
reopened: Drill, };

/**
 * The language of a message: the person's own, or the channel's for a group or a customer.
 */

export type Language = "zh-CN" | "en";

/**
 * A point on a map or on Earth, as the UI's maps exchange them.
 */

export type LatLon = { lat: number, lon: number, };

export type LevelView = { location_id: string, location_name: string, part_id: string, sku: string, name_zh: string, name_en: string, unit: string, 
/**
 * Usable stock: the sum of every movement except defective parts taken back.
 */
level: number, 
/**
 * Defective parts taken back (旧件), kept apart.
 */
defective: number, min_stock: number, };

export type LineAmounts = { gross: number, discount: number, net: number, tax: number, total: number, };

/**
 * What a portal link opens: a machine's label, a customer's own link, or one order's tracking.
 */

export type LinkKind = "machine" | "customer" | "track";

export type LocationKind = "warehouse" | "van";

export type LocationView = { id: string, kind: LocationKind, name: string, owner: string | null, 
/**
 * This device's movements there that have not reached the server yet.
 */
pending: boolean, };

/**
 * A check-in or check-out with a position, and its geofence verdict.
 */

export type MapCheckIn = { event_id: string, order_id: string, display_number: string, user_id: string, 
/**
 * `checked_in` or `checked_out`.
 */
kind: "checked_in" | "checked_out", at: number, lat: number, lon: number, source: string, verdict: FenceVerdict | null, distance_m: number | null, radius_m: number | null, };

/**
 * The coordinate system a map's tiles are drawn in. Chinese map services (AMap, Tencent,
 * Baidu's base layer before its own offset) draw in GCJ-02, which shifts positions inside
 * China by a few hundred metres from WGS-84, the system GPS reports and FieldOps stores.
 */

export type MapCrs = "wgs84" | "gcj02";

export type MapData = { 
/**
 * Open orders, and closed ones with activity in the period.
 */
sites: Array<MapSite>, 
/**
 * Check-ins and check-outs in the period, oldest first.
 */
check_ins: Array<MapCheckIn>, 
/**
 * Each person's latest recorded position (whenever it was).
 */
last_positions: Array<MapCheckIn>, };

/**
 * An order's site on the map, coloured by the order's status.
 */

export type MapSite = { order_id: string, display_number: string, status: Status, customer_name: string | null, site_name: string, lat: number, lon: number, assignees: Array<string>, };

/**
 * What money is grouped by.
 */

export type MoneyBy = "month" | "customer" | "project" | "order_type" | "technician";

/**
 * Charges, costs and profit of the orders completed in the period under one key, in one
 * currency (minor units; currencies are never added together).
 */

export type MoneyGroup = { by: MoneyBy, key: string, label: string, currency: string, charges_net: number, costs: number, gross_profit: number, margin_bp: number | null, orders: Array<string>, };

export type MovementKind = "receive" | "transfer_out" | "transfer_in" | "issue" | "return" | "defective" | "adjust";

export type MovementView = { id: string, location_id: string, part_id: string, kind: MovementKind, qty: number, by: string, at: number, order_id: string | null, request_id: string | null, note: string, };

/**
 * A count of orders under a name (a customer, an equipment model).
 */

export type NamedCount = { label: string, orders: Drill, };

/**
 * `POST /v1/admin/people`.
 */

export type NewPerson = { login: string, name: string, role: Role, 
/**
 * The first password; the person is told it and changes it.
 */
password: string, };

/**
 * Why a token is kept in memory only (the store's own error goes to the log, not to people).
 */

export type NoKeyring = "unavailable" | "development_bridge";

/**
 * One message in a person's notification centre.
 */

export type Notification = { key: string, at: number, subject: string, body: string, read: boolean, };

/**
 * Who hears of an alert, and how: part of each alert rule.
 */

export type Notify = { 
/**
 * Everyone active with one of these roles.
 */
roles: Array<Role>, 
/**
 * Named people (user ids).
 */
users: Array<string>, 
/**
 * The technicians the work is for (the order's assignees, the plan's technician).
 */
technician: boolean, 
/**
 * The customer's contact (by text message, to the customer's phone).
 */
customer: boolean, channels: Array<Channel>, };

export type OrderDetail = { site: SiteView | null, events: Array<OrderEvent>, actions: Array<Action>, 
/**
 * The status the events give when conflicts are set aside.
 */
underlying_status: Status, conflict_events: Array<string>, checklist: Array<ChecklistView>, missing_required: Array<string>, charges: Array<ChargeView>, 
/**
 * Cost lines; empty for those who do not see costs (`sees_costs`).
 */
costs: Array<CostView>, totals: Totals, 
/**
 * The customer's phone number, when this device knows the customer and it has one.
 */
customer_phone: string | null, 
/**
 * Whether this user sees costs, gross profit and margin (supervisors and admins).
 */
sees_costs: boolean, 
/**
 * No cost lines are recorded: profit and margin would count the whole charge.
 */
costs_missing: boolean, resolution: string | null, rating_comment: string | null, on_site_ms: number, 
/**
 * When the server received each event (by event id); absent until synced.
 */
received: { [key in string]: number }, signature: SignatureRef | null, 
/**
 * Whether this order type needs the customer's signature before completion.
 */
signature_required: boolean, 
/**
 * The machines the order names (those this device knows).
 */
equipment: Array<EquipmentView>, project: ProjectView | null, 
/**
 * Every check-in and check-out with its geofence verdict (against the site as it is now).
 */
check_ins: Array<CheckInView>, 
/**
 * Site photos, oldest first.
 */
photos: Array<PhotoView>, 
/**
 * What the customer told the portal, when they asked for this order there.
 */
request: CustomerRequest | null, 
/**
 * The clashes behind `conflicts`, as data to put into words (same order).
 */
clashes: Array<Clash>, 
/**
 * Set on the device of a technician the order was taken from: who took it over, who
 * reassigned it, when. The order is read-only there until they acknowledge it.
 */
reassigned: Reassignment | null, 
/**
 * The customer's own rating from their tracking page (stars, comment).
 */
customer_rating: [number, string] | null, id: string, status: Status, order_type: OrderType, priority: Priority, customer_id: string, customer_name: string | null, site_id: string, description: string, scheduled_start: number | null, scheduled_end: number | null, created_at: number, updated_at: number, assignees: Array<string>, conflicts: Array<string>, pending: boolean, 
/**
 * The server's number, once assigned.
 */
number: string | null, 
/**
 * What to show: the server's number, or a provisional one until the first sync.
 */
display_number: string, currency: string | null, charges_net: number, charges_total: number, costs_total: number, gross_profit: number, completed_at: number | null, rating: number | null, };

export type OrderEvent = { id: string, kind: EventKind, 
/**
 * Device time, milliseconds since the Unix epoch (UTC).
 */
at: number, 
/**
 * The device's UTC offset in minutes when the event was recorded, for display.
 */
tz_offset_min: number, 
/**
 * The user who recorded the event.
 */
by: string, 
/**
 * Dispatch: the assignees; the first one leads.
 */
to?: Array<string>, 
/**
 * Reject, reopen, cancel: why.
 */
reason?: string | null, 
/**
 * Progress note, or a supervisor's resolution note.
 */
note?: string | null, 
/**
 * Completed: what was done.
 */
resolution?: string | null, 
/**
 * Check-in / check-out: where the device was.
 */
position?: Position | null, 
/**
 * Rated: 1 to 5 stars and the customer's words.
 */
stars?: number | null, comment?: string | null, 
/**
 * Resolved: the ids of the conflicting events this decision settles.
 */
resolves?: Array<string>, 
/**
 * FixedWith: the knowledge entry.
 */
entry?: string | null, 
/**
 * Dispatched: the dispatcher saw that the technicians taken off had work under way and
 * reassigned anyway. Without it, such a reassignment (made offline, or before their work
 * arrived) is a conflict for a supervisor to look at.
 */
over_work?: boolean, };

/**
 * Query side: filters the order list accepts.
 */

export type OrderFilter = { status?: Status | null, 
/**
 * Any of these statuses (the settlement list asks for completed and settled).
 */
statuses?: Array<Status> | null, assignee?: string | null, text?: string | null, project_id?: string | null, equipment_id?: string | null, 
/**
 * Only these orders (the ones behind a figure of the dashboard).
 */
ids?: Array<string> | null, 
/**
 * With `assignee`: also the orders reassigned away from them (the technician's own list,
 * which keeps such an order until they have seen who took it over).
 */
reassigned_away?: boolean | null, };

/**
 * What a supervisor types to create or edit an order.
 */

export type OrderInput = { order_type: OrderType, priority: Priority, customer_id: string, site_id: string, equipment_ids: Array<string>, project_id: string | null, description: string, scheduled_start: number | null, scheduled_end: number | null, };

export type OrderSummary = { id: string, status: Status, order_type: OrderType, priority: Priority, customer_id: string, customer_name: string | null, site_id: string, description: string, scheduled_start: number | null, scheduled_end: number | null, created_at: number, updated_at: number, assignees: Array<string>, conflicts: Array<string>, pending: boolean, 
/**
 * The server's number, once assigned.
 */
number: string | null, 
/**
 * What to show: the server's number, or a provisional one until the first sync.
 */
display_number: string, currency: string | null, charges_net: number, charges_total: number, costs_total: number, gross_profit: number, completed_at: number | null, rating: number | null, };

export type OrderType = "installation" | "repair" | "upgrade" | "maintenance" | "inspection" | "testing" | "training" | "complaint";

/**
 * One message of the outbox (`GET /v1/admin/notify/outbox`).
 */

export type OutboxEntry = { key: string, created_at: number, channel: Channel, 
/**
 * Who it is for: a person's name, a customer's name, or the group.
 */
recipient: string, 
/**
 * Where it goes: an e-mail address or a phone number (empty for the app and groups).
 */
address: string, subject: string, state: DeliveryState, attempts: number, next_attempt_at: number | null, last_error: string | null, sent_at: number | null, };

export type OutboxQuery = { state: DeliveryState | null, channel: Channel | null, limit: number | null, };

export type PartInfo = { sku: string, name_zh: string, name_en: string, category_id?: string | null, 
/**
 * pcs, m, l, kg, set...
 */
unit: string, barcode: string, sale_price_minor: number, cost_minor: number, currency: string, 
/**
 * Below this level (per location) a low-stock alert is raised; 0: never.
 */
min_stock: number, 
/**
 * Equipment models the part fits, as typed on the equipment ("Carrier 30XA-252").
 */
compatible_models: Array<string>, 
/**
 * A picture of the part (a 320 px JPEG blob, by hash).
 */
photo?: string | null, };

export type PartView = { id: string, category_path: string | null, 
/**
 * Usable stock over all locations this device knows.
 */
total_level: number, pending: boolean, sku: string, name_zh: string, name_en: string, category_id?: string | null, 
/**
 * pcs, m, l, kg, set...
 */
unit: string, barcode: string, sale_price_minor: number, cost_minor: number, currency: string, 
/**
 * Below this level (per location) a low-stock alert is raised; 0: never.
 */
min_stock: number, 
/**
 * Equipment models the part fits, as typed on the equipment ("Carrier 30XA-252").
 */
compatible_models: Array<string>, 
/**
 * A picture of the part (a 320 px JPEG blob, by hash).
 */
photo?: string | null, };

export type PartsStats = { 
/**
 * Units used on orders (issued minus returned), most first.
 */
by_part: Array<Tally>, by_technician: Array<Tally>, by_customer: Array<Tally>, by_month: Array<Tally>, 
/**
 * Usable stock at catalogue cost, per location (minor units, CNY catalogue).
 */
stock_value: Array<Tally>, 
/**
 * Parts in stock that nothing used in the period: units held.
 */
slow_movers: Array<Tally>, requests_by_status: Array<Tally>, 
/**
 * Mean hours from request to receipt, over requests received in the period.
 */
mean_turnaround_hours: number | null, };

export type PeriodUnit = "days" | "weeks" | "months" | "years";

/**
 * `PATCH /v1/admin/people/{id}`: what changes (absent: stays).
 */

export type PersonChange = { name: string | null, role: Role | null, active: boolean | null, };

/**
 * One person of the company with their devices, newest first.
 */

export type PersonView = { user: UserInfo, devices: Array<DeviceView>, 
/**
 * Where notifications reach them (kept on the server, not in the synced directory).
 */
contact: Contact, };

/**
 * What the UI sends with a photo.
 */

export type PhotoInput = { caption: string, 
/**
 * The progress note or check-in the photo belongs to.
 */
event_id?: string | null, position?: Position | null, };

export type PhotoView = { id: string, hash: string, thumb_hash: string, caption: string, width: number, height: number, by: string, 
/**
 * Device time of capture (attachment), ms since the epoch.
 */
at: number, 
/**
 * The progress note or check-in the photo belongs to, if any.
 */
event_id?: string | null, position?: Position | null, };

/**
 * A file picked for an import: its path within the picked folder (or its name), its bytes.
 */

export type PickedFile = { path: string, data_base64: string, };

/**
 * A recurring visit to one machine.
 */

export type Plan = { 
/**
 * What people call it ("季度保养", "Quarterly service"); may be empty.
 */
name: string, kind: PlanKind, 
/**
 * Every `every` `unit`s.
 */
every: number, unit: PeriodUnit, 
/**
 * The first visit's date (YYYY-MM-DD, the company's calendar).
 */
start: string, 
/**
 * No visit after this date.
 */
end: string | null, anchor: PlanAnchor, 
/**
 * The order made for a visit: its type (its template gives the checklist) and length.
 */
order_type: OrderType, duration_min: number, 
/**
 * Who the visit's order is dispatched to, when someone is named.
 */
technician_id: string | null, 
/**
 * How many days before the visit its order is made; a visit done within this many days
 * before its date counts for it.
 */
days_ahead: number, 
/**
 * An RFC 5545 recurrence rule (`FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU`: the second Tuesday
 * of each quarter) from `start`, instead of `every` `unit`; a fixed calendar.
 */
rule?: string | null, };

/**
 * Where the next visit counts from.
 */

export type PlanAnchor = "planned" | "last_done";

export type PlanKind = "maintenance" | "inspection" | "testing" | "calibration";

/**
 * A plan of a machine, with the visit due now.
 */

export type PlanView = { id: string, 
/**
 * The visit due now (None: the plan has ended).
 */
next_due: string | null, technician_name: string | null, 
/**
 * The project whose plan this is (edited on the project), when it is not the machine's own.
 */
project_id: string | null, 
/**
 * What people call it ("季度保养", "Quarterly service"); may be empty.
 */
name: string, kind: PlanKind, 
/**
 * Every `every` `unit`s.
 */
every: number, unit: PeriodUnit, 
/**
 * The first visit's date (YYYY-MM-DD, the company's calendar).
 */
start: string, 
/**
 * No visit after this date.
 */
end: string | null, anchor: PlanAnchor, 
/**
 * The order made for a visit: its type (its template gives the checklist) and length.
 */
order_type: OrderType, duration_min: number, 
/**
 * Who the visit's order is dispatched to, when someone is named.
 */
technician_id: string | null, 
/**
 * How many days before the visit its order is made; a visit done within this many days
 * before its date counts for it.
 */
days_ahead: number, 
/**
 * An RFC 5545 recurrence rule (`FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU`: the second Tuesday
 * of each quarter) from `start`, instead of `every` `unit`; a fixed calendar.
 */
rule?: string | null, };

/**
 * An order on the board.
 */

export type PlannedOrder = { order: OrderSummary, 
/**
 * Its window; absent for an order with no time yet.
 */
start: number | null, end: number | null, duration_min: number, 
/**
 * It overlaps another order of the same technician.
 */
overlaps: boolean, };

/**
 * One planned visit in a period, for the calendar.
 */

export type PlannedVisit = { date: string, equipment_id: string, equipment_name: string, customer_name: string | null, plan_id: string, plan: Plan, 
/**
 * The visit's order, when it has been made.
 */
order_id: string | null, order_status: Status | null, };

/**
 * One machine's or customer's portal address.
 */

export type PortalLink = { target: string, url: string, };

/**
 * Where the device says it was; `source` is `gps`, `network` or `manual`.
 */

export type Position = { lat: number, lon: number, accuracy_m?: number | null, altitude_m?: number | null, 
/**
 * The platform said the position came from a mock-location app (Android).
 */
mock?: boolean | null, 
/**
 * gps, network, manual or simulated.
 */
source: string, };

export type Priority = "low" | "normal" | "high" | "urgent";

/**
 * What is wrong with what was typed into a field.
 */

export type Problem = { "kind": "required" } | { "kind": "too_long", max: number, } | { "kind": "too_short", min: number, } | { "kind": "control_characters" } | { "kind": "not_a_date" } | { "kind": "out_of_range", min: number, max: number, } | { "kind": "malformed" };

export type ProjectInfo = { name: string, 
/**
 * The customer's or our own reference ("PRJ-2026-07").
 */
code: string, customer_id: string, status: ProjectStatus, start_on: string | null, end_on: string | null, 
/**
 * Budget in minor units of `currency`.
 */
budget_minor: number | null, currency: string, description: string, };

export type ProjectStatus = "planned" | "active" | "closed";

export type ProjectView = { id: string, customer_name: string | null, order_count: number, open_orders: number, 
/**
 * Sums over the project's orders in the project's currency (minor units).
 */
charges_net: number, costs_total: number, gross_profit: number, pending: boolean, name: string, 
/**
 * The customer's or our own reference ("PRJ-2026-07").
 */
code: string, customer_id: string, status: ProjectStatus, start_on: string | null, end_on: string | null, 
/**
 * Budget in minor units of `currency`.
 */
budget_minor: number | null, currency: string, description: string, };

/**
 * An order reassigned away from the signed-in technician.
 */

export type Reassignment = { to: Array<string>, by: string, at: number, };

/**
 * Filters of the business-record archive.
 */

export type RecordFilter = { order_type?: OrderType | null, customer_id?: string | null, equipment_id?: string | null, technician?: string | null, 
/**
 * Completed at or after (ms since the epoch).
 */
from?: number | null, 
/**
 * Completed before (ms since the epoch).
 */
to?: number | null, 
/**
 * Full text over number, customer, description, resolution and notes.
 */
text?: string | null, };

/**
 * One business record: a completed order as archived.
 */

export type RecordView = { order_id: string, number: string | null, display_number: string, order_type: OrderType, customer_id: string, customer_name: string | null, technicians: Array<string>, completed_at: number, description: string, resolution: string | null, charges_total: number, currency: string | null, rating: number | null, status: Status, };

/**
 * A request refused by a rule, with the parameters the UI needs to say it in the person's
 * language and what to do next. (Rules not yet listed here refuse with `Invalid` and an
 * English sentence.)
 */

export type Refusal = { "kind": "checklist_incomplete", items: Array<string>, } | { "kind": "not_now", status: Status, } | { "kind": "rating_out_of_range" } | { "kind": "no_technician_chosen" } | { "kind": "signature_closed" } | { "kind": "signed_worksheet" } | { "kind": "costs_missing" } | { "kind": "no_time_on_site" } | { "kind": "duplicate_sku", sku: string, } | { "kind": "category_loop" } | { "kind": "van_has_open_requests", open: number, } | { "kind": "already_clocked_in", since: number, } | { "kind": "not_clocked_in" } | { "kind": "period_reversed" } | { "kind": "settings_not_synced" } | { "kind": "channel_not_set_up", channel: Channel, } | { "kind": "warranty_before_installation" } | { "kind": "transfer_to_same_location" } | { "kind": "unknown", thing: Thing, } | { "kind": "belongs_to_another_customer", name: string, } | { "kind": "machine_listed_twice" } | { "kind": "too_many_machines", max: number, } | { "kind": "too_many_lines", max: number, } | { "kind": "nothing_counted" } | { "kind": "work_day_impossible" } | { "kind": "counted_twice", sku: string, } | { "kind": "count_out_of_range", sku: string, } | { "kind": "own_van_only" } | { "kind": "take_from_own_van" } | { "kind": "file_too_large", max_mb: number, } | { "kind": "file_empty" } | { "kind": "file_unreadable" } | { "kind": "period_too_long" } | { "kind": "request_not_now", status: RequestStatus, } | { "kind": "approve_within_asked" } | { "kind": "not_a_technician", name: string, } | { "kind": "warehouse_has_no_owner" } | { "kind": "no_location_service" } | { "kind": "location_not_permitted" } | { "kind": "no_position_fix" } | { "kind": "unsent_work_of_another_account", account: string, pending: number, } | { "kind": "login_taken", login: string, } | { "kind": "last_admin" } | { "kind": "own_account" } | { "kind": "person_deactivated", name: string, } | { "kind": "work_under_way", taken_off: Array<[string, EventKind]>, } | { "kind": "unsent_work" } | { "kind": "server_address_without_scheme", typed: string, } | { "kind": "not_a_server_address" } | { "kind": "plan_ends_before_start" } | { "kind": "plan_never_occurs" } | { "kind": "unknown_time_zone", name: string, } | { "kind": "alert_not_open" } | { "kind": "alert_has_no_visit" } | { "kind": "already_rated" } | { "kind": "too_many_photos", max: number, } | { "kind": "type_not_offered" } | { "kind": "link_not_valid" } | { "kind": "html_in_text" } | { "kind": "remote_image" } | { "kind": "unsafe_link" } | { "kind": "file_type_not_allowed" } | { "kind": "archive_too_large", max_mb: number, } | { "kind": "unsafe_path", name: string, } | { "kind": "front_matter_invalid", line: number, } | { "kind": "attachment_missing", name: string, } | { "kind": "text_not_utf8" };

export type Rejected = { doc: string, code: ErrorCode, 
/**
 * Where in the document the refused change was, when known.
 */
path: string | null, message: string, };

export type RejectedDoc = { doc: string, 
/**
 * The server's refusal: its code, and its words for support.
 */
reason: ErrorBody, };

/**
 * The language a customer's service reports are written in.
 */

export type ReportLanguage = "zh" | "en" | "both";

export type RequestEvent = { id: string, kind: RequestEventKind, by: string, at: number, reason?: string | null, 
/**
 * Approved quantity per line id (may be less than asked, 0 to drop a line).
 */
approved?: { [key in string]: number } | null, 
/**
 * The warehouse the parts left (issued).
 */
from_location?: string | null, };

export type RequestEventKind = "requested" | "approved" | "rejected" | "issued" | "received" | "cancelled";

/**
 * Used in a part request: what to ask for.
 */

export type RequestLineInput = { part_id: string, qty: number, reason: string, };

export type RequestLineView = { id: string, part_id: string, sku: string | null, name: string | null, asked: number, 
/**
 * As approved (or asked, before a decision).
 */
qty: number, reason: string, };

export type RequestStatus = "requested" | "approved" | "rejected" | "issued" | "received" | "cancelled";

export type RequestView = { id: string, by: string, to_location: string, order_id: string | null, status: RequestStatus, lines: Array<RequestLineView>, events: Array<RequestEvent>, conflicts: Array<string>, from_location: string | null, requested_at: number, closed_at: number | null, pending: boolean, };

/**
 * The company's targets, in minutes from an order's creation; none: no target for that stage.
 */

export type ResponseTargets = { dispatched_min?: number | null, accepted_min?: number | null, on_site_min?: number | null, completed_min?: number | null, };

/**
 * Who saved a version, and when.
 */

export type Revision = { by: string, at: number, };

export type Revocation = { at: number, 
/**
 * The device sends its unsent work before it wipes itself.
 */
keep_unsent: boolean, };

/**
 * Whether a link was revoked.
 */

export type Revoked = { revoked: boolean, };

export type Role = "admin" | "supervisor" | "technician" | "warehouse";

export type RowError = { 
/**
 * 1-based, counting the header as row 1 (as a spreadsheet shows it).
 */
row: number, message: string, };

/**
 * A file the device saved, with its bytes for a download link in the UI.
 */

export type SavedFile = { path: string, 
/**
 * The file itself (base64).
 */
data_base64: string, };

/**
 * A PDF the device made and saved, with its bytes for the preview.
 */

export type SavedReport = { path: string, bytes: number, 
/**
 * The PDF itself, so the UI can show it before it is shared.
 */
data_base64: string, };

/**
 * `POST /v1/admin/notify/scan`'s answer: how many messages the check queued.
 */

export type ScanAnswer = { queued: number, };

export type ScanHit = { "kind": "part", part: PartView, } | { "kind": "equipment", equipment: EquipmentView, } | { "kind": "several", parts: Array<PartView>, equipment: Array<EquipmentView>, } | { "kind": "nothing" };

export type ScheduleBoard = { 
/**
 * The shown time: midnight of the first day to midnight after the last.
 */
from: number, to: number, work_day_start_min: number, work_day_end_min: number, 
/**
 * Planning snaps to this many minutes.
 */
grid_min: number, slot_min: number, technicians: Array<TechnicianSchedule>, 
/**
 * Open orders nobody leads (or whose technician declined), most urgent first.
 */
unassigned: Array<PlannedOrder>, };

/**
 * Which days the board shows.
 */

export type ScheduleQuery = { 
/**
 * The first day, `YYYY-MM-DD` in the dispatcher's calendar.
 */
day: string, 
/**
 * 1 (a day) or 7 (a week).
 */
days: number, 
/**
 * The dispatcher's UTC offset, minutes (what `Date.getTimezoneOffset` gives, negated).
 */
tz_offset_min: number, 
/**
 * The length of the free slot to look for, minutes; absent: one hour.
 */
slot_min: number | null, };

/**
 * A piece of shown text, marked where it matches the query.
 */

export type Segment = { text: string, hit: boolean, };

/**
 * Who is signed in on this device, as the server told us at login. The token is not here:
 * it lives in the OS keyring (or in memory), never in the database.
 */

export type Session = { server_url: string, tenant: string, user: UserInfo, device_id: string, };

/**
 * Who is signed in, and where the token is kept.
 */

export type SessionInfo = { session: Session, token_home: TokenHome, 
/**
 * Whether this device holds a token to sync with. Without one (it was kept in memory
 * only, or the platform's store lost it) the person keeps working on the local data
 * and signs in again to send it.
 */
can_sync: boolean, 
/**
 * Whether the local database is encrypted on this device.
 */
at_rest: AtRest, };

export type Settlement = { rows: Array<SettlementRow>, totals: Array<SettlementTotals>, };

export type SettlementRow = { 
/**
 * Gross profit over net charges, in basis points (1234 = 12.34 %); none without charges.
 */
margin_bp: number | null, id: string, status: Status, order_type: OrderType, priority: Priority, customer_id: string, customer_name: string | null, site_id: string, description: string, scheduled_start: number | null, scheduled_end: number | null, created_at: number, updated_at: number, assignees: Array<string>, conflicts: Array<string>, pending: boolean, 
/**
 * The server's number, once assigned.
 */
number: string | null, 
/**
 * What to show: the server's number, or a provisional one until the first sync.
 */
display_number: string, currency: string | null, charges_net: number, charges_total: number, costs_total: number, gross_profit: number, completed_at: number | null, rating: number | null, };

/**
 * The sums of one currency's orders (orders with no money line yet count in none).
 */

export type SettlementTotals = { currency: string, orders: number, charges_net: number, costs_total: number, gross_profit: number, };

export type SignatureRef = { 
/**
 * SHA-256 of the PNG, lowercase hex.
 */
hash: string, signer: string, by: string, at: number, };

export type SiteInput = { 
/**
 * Absent for a new site.
 */
id?: string | null, name: string, address: string, lat: number, lon: number, geofence_m?: number | null, };

export type SiteTime = { order_id: string, display_number: string, customer_name: string | null, minutes: number, 
/**
 * A check-in with no check-out after it that day.
 */
open: boolean, };

export type SiteView = { id: string, name: string, address: string, lat: number, lon: number, geofence_m: number | null, };

/**
 * The company's SMS gateway: a signed HTTP webhook. `secret: None` keeps the stored one.
 */

export type SmsSetup = { url: string, secret: string | null, 
/**
 * For messages to customers.
 */
language: Language, };

export type SmtpSecurity = "none" | "starttls" | "tls";

/**
 * The entries an order may be fixed with, and the one it was.
 */

export type Solutions = { fixed_with: EntrySummary | null, candidates: Array<EntrySummary>, 
/**
 * Whether this user may mark the order (its technician while working on it, a manager).
 */
can_mark: boolean, 
/**
 * Whether the order is a finished repair no entry was marked for, which can become a
 * draft fault entry.
 */
can_draft: boolean, };

export type Stage = "dispatched" | "accepted" | "on_site" | "completed";

/**
 * Time from an order's creation to the first time it reached `stage`, over the orders that
 * reached it in the period.
 */

export type StageTimes = { stage: Stage, count: number, median_ms: number | null, p90_ms: number | null, 
/**
 * The company's target for this stage, if it set one.
 */
target_ms: number | null, 
/**
 * Of the orders counted, those that reached the stage within the target (basis points).
 */
within_target_bp: number | null, 
/**
 * The orders that took longer than the target.
 */
over_target: Drill, };

export type Statistics = { kpis: Kpis, 
/**
 * The same figures for the period of the same length just before.
 */
previous: Kpis, stages: Array<StageTimes>, technicians: Array<TechnicianFigures>, 
/**
 * By month (in order), then by customer, project, order type and technician (largest
 * charges first).
 */
money: Array<MoneyGroup>, 
/**
 * Repairs created in the period on a machine that had another repair completed in the
 * 30 (90) days before.
 */
repeat_repairs_30d: Drill, repeat_repairs_90d: Drill, 
/**
 * Orders created and completed per week (periods up to 92 days) or month, and the same
 * for the period before (as many buckets, in order), for comparison.
 */
trend: Array<Bucket>, previous_trend: Array<Bucket>, 
/**
 * Repairs created in the period per customer and per equipment model, most first.
 */
repairs_by_customer: Array<NamedCount>, repairs_by_model: Array<NamedCount>, 
/**
 * Per machine ("1号机床 · SN-0042").
 */
repairs_by_machine: Array<NamedCount>, 
/**
 * By the knowledge base's entry marked as the fix ("E-04 高压报警停机").
 */
repairs_by_fault: Array<NamedCount>, 
/**
 * The equipment models on this device, for the model filter.
 */
equipment_models: Array<string>, 
/**
 * The customers' regions on this device, for the region filter.
 */
regions: Array<string>, };

/**
 * Which orders and which period: times in ms, `[from, to)`.
 */

export type StatsQuery = { from: number, to: number, technician?: string | null, customer_id?: string | null, order_type?: OrderType | null, 
/**
 * Only the orders of this project.
 */
project_id?: string | null, 
/**
 * Only the orders on a machine of this equipment model.
 */
equipment_model?: string | null, 
/**
 * Only the orders and technicians of this team (its id).
 */
team?: string | null, 
/**
 * Only the orders of customers in this region.
 */
region?: string | null, 
/**
 * The viewer's UTC offset, for months.
 */
tz_offset_min: number, };

/**
 * The tables of the statistics, in the order they are made (and the workbook's sheets).
 */

export type StatsTable = "summary" | "technicians" | "times" | "money" | "money_by" | "trend" | "repairs";

export type Status = "requested" | "new" | "dispatched" | "accepted" | "rejected" | "travelling" | "on_site" | "checked_out" | "completed" | "settled" | "cancelled" | "conflict";

export type StockAlert = { kind: StockAlertKind, 
/**
 * For an oversold part: the movements that took out more than the last receipt left.
 */
movements: Array<MovementView>, location_id: string, location_name: string, part_id: string, sku: string, name_zh: string, name_en: string, unit: string, 
/**
 * Usable stock: the sum of every movement except defective parts taken back.
 */
level: number, 
/**
 * Defective parts taken back (旧件), kept apart.
 */
defective: number, min_stock: number, };

export type StockAlertKind = "oversold" | "low_stock";

/**
 * One line of a stock-take: what was counted of a part at the location.
 */

export type StockCount = { part_id: string, counted: number, };

/**
 * What a stock-take changed: for each part counted, the level this device knew, the count,
 * and the adjustment recorded (0: the count agreed, nothing recorded).
 */

export type StockTakeLine = { part_id: string, sku: string, was: number, counted: number, adjustment: number, };

/**
 * What one `sync_now` did, for the status bar, tests and benchmarks.
 */

export type SyncReport = { round_trips: number, pushed: number, accepted: number, rejected: Array<Rejected>, pulled: number, revoked: number, 
/**
 * Pulled documents that could not be read, kept aside (see `apply_response`).
 */
quarantined: number, cursor: number, bytes_sent: number, bytes_received: number, blobs_uploaded: number, blob_bytes_sent: number, };

export type SyncStatus = { signed_in: boolean, pending: number, 
/**
 * Milliseconds since the Unix epoch of the last sync that completed.
 */
last_sync_at: number | null, 
/**
 * Why the last attempt failed (its code says it in the person's language); None once a
 * sync succeeds.
 */
last_error: ErrorBody | null, online: boolean, 
/**
 * Since when the server has not been reachable (milliseconds since the epoch); None
 * while online.
 */
offline_since: number | null, 
/**
 * Documents the server refused, with its reason.
 */
rejected: Array<RejectedDoc>, 
/**
 * Documents received that this device could not read, kept aside, with why.
 */
quarantined: Array<RejectedDoc>, 
/**
 * A first sync under way (it goes on where it stopped after a restart or a lost
 * connection); None otherwise.
 */
first_sync: FirstSyncProgress | null, };

export type TableFormat = "csv" | "xlsx";

export type Tally = { 
/**
 * Part id, user id, customer id, month (YYYY-MM) or location id.
 */
key: string, 
/**
 * What to show: SKU and name, a person's id (the UI names it), a customer, a month.
 */
label: string, 
/**
 * Units, or minor units for money.
 */
value: number, };

/**
 * A team: a region's or a product line's engineers, say. People are named by user id; one
 * person may be in several teams.
 */

export type Team = { name: string, members: Array<string>, };

/**
 * A team and its id.
 */

export type TeamView = { id: string, name: string, members: Array<string>, };

export type TechnicianFigures = { user_id: string, 
/**
 * Orders dispatched to them in the period.
 */
received: Drill, accepted: Drill, declined: Drill, 
/**
 * Orders they were on that were completed in the period.
 */
completed: Drill, customers_served: number, machines_serviced: number, 
/**
 * Time on site (check-in to check-out) of their completed orders.
 */
on_site_ms: number, 
/**
 * Time travelling (setting off to check-in) of their completed orders.
 */
travel_ms: number, 
/**
 * Orders they had completed that were reopened in the period.
 */
reopened: Drill, 
/**
 * Average stars × 100 of their rated completed orders.
 */
average_rating_centi: number | null, first_time_fix_bp: number | null, };

export type TechnicianSchedule = { technician: UserInfo, 
/**
 * Orders led by this technician with a window in the shown days, by start.
 */
planned: Array<PlannedOrder>, 
/**
 * Their open orders with no time yet.
 */
unscheduled: Array<PlannedOrder>, 
/**
 * Minutes of planned work inside the shown working hours, and those hours.
 */
load_min: number, capacity_min: number, 
/**
 * The first free slot of `slot_min` in working hours, from now or the first shown day,
 * up to `LOOKAHEAD_DAYS` on (late in the day, that is tomorrow morning).
 */
next_free: number | null, };

export type Template = { checklist: Array<TemplateItem>, signature_required: boolean, rating_asked: boolean, default_duration_min: number, };

export type TemplateItem = { label: string, required: boolean, };

/**
 * An order type and its template.
 */

export type TemplateView = { order_type: OrderType, checklist: Array<TemplateItem>, signature_required: boolean, rating_asked: boolean, default_duration_min: number, };

/**
 * `POST /v1/admin/notify/test`: a test message through one channel; `to` is the e-mail
 * address or phone number (ignored for WeChat Work, which posts to its group).
 */

export type TestMessage = { channel: Channel, to: string, };

/**
 * What was picked from a list, for `Refusal::Unknown`.
 */

export type Thing = "customer" | "site" | "project" | "equipment" | "part" | "stock_location" | "van" | "order" | "category" | "parent_category" | "technician" | "plan" | "alert" | "knowledge_entry";

/**
 * A raster tile service: its URL template, and the coordinate system its tiles are drawn in.
 */

export type TileService = { 
/**
 * `https://…/{z}/{x}/{y}.png` (`{s}` for subdomains allowed).
 */
url: string, crs: MapCrs, 
/**
 * The credit the service's terms ask for, shown in the map's corner.
 */
attribution: string, };

/**
 * Where the bearer token lives: the OS keyring when there is one; otherwise only in memory
 * for this run, and the UI says so.
 */

export type TokenHome = { "kind": "keyring" } | { "kind": "memory", why: NoKeyring, };

/**
 * Order-level money, all in one currency (minor units).
 */

export type Totals = { currency: string | null, charges_net: number, charges_tax: number, charges_total: number, costs_total: number, 
/**
 * Net charges minus costs (tax is passed through, not income).
 */
gross_profit: number, 
/**
 * Gross profit ÷ net charges, basis points; None without charges.
 */
margin_bp: number | null, 
/**
 * Lines in another currency than the first line's are left out and listed here.
 */
other_currency_lines: Array<string>, };

export type UserInfo = { id: string, login: string, name: string, role: Role, 
/**
 * Deactivated people stay in the directory (their names stay on the orders they
 * worked on) but sign in no more and are not offered for new work.
 */
active: boolean, };

/**
 * One saved version of an entry, from the document's own history.
 */

export type Version = { 
/**
 * The change's hash: what `at_version` and a restore name.
 */
version: string, by: string, at: number, status: EntryStatus, title: string, };

/**
 * An old version as it read.
 */

export type VersionView = { version: string, status: EntryStatus, content: EntryContent, html: string, revised: Revision, };

/**
 * A WeChat Work group robot. `webhook_url: None` keeps the stored one (it holds the key).
 */

export type WechatWorkSetup = { webhook_url: string | null, language: Language, };

/**
 * A working day in local minutes since midnight: `[start_min, end_min)`.
 */

export type WorkDay = { start_min: number, end_min: number, };

export const CHARGE_KINDS = ["parts_fee", "service_fee", "travel_fee", "other"] as const satisfies readonly ChargeKind[];

export const COST_KINDS = ["parts_cost", "labour", "travel", "other"] as const satisfies readonly CostKind[];

export const ORDER_TYPES = ["installation", "repair", "upgrade", "maintenance", "inspection", "testing", "training", "complaint"] as const satisfies readonly OrderType[];

export const PRIORITIES = ["low", "normal", "high", "urgent"] as const satisfies readonly Priority[];

export const STATUSES = ["requested", "new", "dispatched", "accepted", "rejected", "travelling", "on_site", "checked_out", "completed", "settled", "cancelled", "conflict"] as const satisfies readonly Status[];

export const PROJECT_STATUSES = ["planned", "active", "closed"] as const satisfies readonly ProjectStatus[];

export const ALERT_KINDS = ["warranty", "maintenance", "inspection", "not_accepted", "not_completed"] as const satisfies readonly AlertKind[];

export const PLAN_KINDS = ["maintenance", "inspection", "testing", "calibration"] as const satisfies readonly PlanKind[];

export const PERIOD_UNITS = ["days", "weeks", "months", "years"] as const satisfies readonly PeriodUnit[];

export const PLAN_ANCHORS = ["planned", "last_done"] as const satisfies readonly PlanAnchor[];

export const ENTRY_KINDS = ["article", "fault"] as const satisfies readonly EntryKind[];

export const ENTRY_STATUSES = ["draft", "published", "archived"] as const satisfies readonly EntryStatus[];

/** The transport: Tauri IPC in the app, the HTTP bridge in a browser. */
export type Call = <T>(command: string, args: Record<string, unknown>) => Promise<T>;

/** Every command of the app, as typed functions over a transport. */
export function commands(call: Call) {
  return {
    /** The sign-in screen's starting values (FIELDOPS_SERVER_URL, FIELDOPS_TENANT). */
    defaults: (): Promise<Defaults> => call("defaults", {  }),
    /** Who is signed in on this device. The session is kept in the local store, so it */
    /** survives a restart without network or token: the token is needed only to sync. */
    session: (): Promise<SessionInfo | null> => call("session", {  }),
    /** Sign in; binds this device to the user on the server. */
    login: (serverUrl: string, tenant: string, login: string, password: string): Promise<SessionInfo> => call("login", { serverUrl, tenant, login, password }),
    /** Sign out; `discard` also deletes this device's local data. */
    logout: (discard: boolean): Promise<null> => call("logout", { discard }),
    /** Change one's own password (the current one proven); one's other devices sign in again. */
    changePassword: (current: string, newPassword: string): Promise<null> => call("change_password", { current, newPassword }),
    syncStatus: (): Promise<SyncStatus> => call("sync_status", {  }),
    /** The language this device's screens were last shown in ("en" or "zh-CN"), kept with its */
    /** data, so two installations with different data folders keep their own. */
    uiLanguage: (): Promise<string | null> => call("ui_language", {  }),
    setUiLanguage: (lang: string): Promise<null> => call("set_ui_language", { lang }),
    /** The desktop's side pane width (pixels) as last dragged, kept with the device's data. */
    sidePaneWidth: (): Promise<number | null> => call("side_pane_width", {  }),
    setSidePaneWidth: (px: number): Promise<null> => call("set_side_pane_width", { px }),
    /** Sync at once (push, then pull until the server has nothing more). */
    syncNow: (): Promise<SyncReport> => call("sync_now", {  }),
    /** Completed and settled orders with margins and totals per currency. */
    settlement: (): Promise<Settlement> => call("settlement", {  }),
    listOrders: (filter: OrderFilter): Promise<Array<OrderSummary>> => call("list_orders", { filter }),
    getOrder: (id: string): Promise<OrderDetail> => call("get_order", { id }),
    createOrder: (input: OrderInput): Promise<OrderDetail> => call("create_order", { input }),
    updateOrder: (id: string, input: OrderInput): Promise<OrderDetail> => call("update_order", { id, input }),
    /** Dispatch or reassign; taking technicians off work under way needs `over_work` (refused */
    /** with `work_under_way` otherwise, naming them). */
    dispatchOrder: (id: string, to: Array<string>, overWork: boolean): Promise<OrderDetail> => call("dispatch_order", { id, to, overWork }),
    /** The dispatcher's schedule of a day or a week: each technician's planned orders on a time */
    /** axis, their load and next free slot, and the orders nobody leads. */
    scheduleBoard: (query: ScheduleQuery): Promise<ScheduleBoard> => call("schedule_board", { query }),
    /** Put an order on a technician at a time, keeping its duration; without a time, its own */
    /** or the technician's next free slot (`over_work` as in dispatch). */
    planOrder: (id: string, technician: string, start: number | null, overWork: boolean): Promise<OrderDetail> => call("plan_order", { id, technician, start, overWork }),
    /** The technician saw who took their order over: the device lets go of it. */
    acknowledgeReassignment: (id: string): Promise<null> => call("acknowledge_reassignment", { id }),
    acceptOrder: (id: string): Promise<OrderDetail> => call("accept_order", { id }),
    rejectOrder: (id: string, reason: string): Promise<OrderDetail> => call("reject_order", { id, reason }),
    startTravel: (id: string): Promise<OrderDetail> => call("start_travel", { id }),
    checkIn: (id: string, position: Position | null): Promise<OrderDetail> => call("check_in", { id, position }),
    checkOut: (id: string, position: Position | null): Promise<OrderDetail> => call("check_out", { id, position }),
    addProgress: (id: string, note: string): Promise<OrderDetail> => call("add_progress", { id, note }),
    completeOrder: (id: string, resolution: string): Promise<OrderDetail> => call("complete_order", { id, resolution }),
    rateOrder: (id: string, stars: number, comment: string): Promise<OrderDetail> => call("rate_order", { id, stars, comment }),
    /** Settle a completed order; without cost lines it needs `without_costs` (the supervisor said so). */
    settleOrder: (id: string, withoutCosts: boolean): Promise<OrderDetail> => call("settle_order", { id, withoutCosts }),
    /** Withdraw the customer's signature so the worksheet can change; the customer signs again. */
    withdrawSignature: (id: string, reason: string): Promise<OrderDetail> => call("withdraw_signature", { id, reason }),
    reopenOrder: (id: string, reason: string): Promise<OrderDetail> => call("reopen_order", { id, reason }),
    cancelOrder: (id: string, reason: string): Promise<OrderDetail> => call("cancel_order", { id, reason }),
    /** Take a customer's portal request into the normal flow (decline it with `cancel_order`). */
    acceptRequest: (id: string): Promise<OrderDetail> => call("accept_request", { id }),
    /** Show words to the customer on their tracking page. */
    shareWithCustomer: (id: string, text: string): Promise<OrderDetail> => call("share_with_customer", { id, text }),
    resolveConflicts: (id: string, note: string): Promise<OrderDetail> => call("resolve_conflicts", { id, note }),
    setChecklistItem: (id: string, itemId: string, done: boolean): Promise<OrderDetail> => call("set_checklist_item", { id, itemId, done }),
    putCharge: (id: string, lineId: string | null, input: ChargeInput): Promise<OrderDetail> => call("put_charge", { id, lineId, input }),
    deleteCharge: (id: string, lineId: string): Promise<OrderDetail> => call("delete_charge", { id, lineId }),
    putCost: (id: string, lineId: string | null, input: CostInput): Promise<OrderDetail> => call("put_cost", { id, lineId, input }),
    deleteCost: (id: string, lineId: string): Promise<OrderDetail> => call("delete_cost", { id, lineId }),
    addLabourCost: (id: string, rateMinorPerHour: number, currency: string): Promise<OrderDetail> => call("add_labour_cost", { id, rateMinorPerHour, currency }),
    listRecords: (filter: RecordFilter): Promise<Array<RecordView>> => call("list_records", { filter }),
    /** The customer's signature as a PNG (base64, no data: prefix). */
    captureSignature: (id: string, pngBase64: string, signer: string): Promise<OrderDetail> => call("capture_signature", { id, pngBase64, signer }),
    /** Make the service report PDF of a completed order and save it on the device. */
    serviceReport: (id: string): Promise<SavedReport> => call("service_report", { id }),
    clock: (kind: ClockKind, position: Position | null): Promise<AttendanceState> => call("clock", { kind, position }),
    attendanceState: (): Promise<AttendanceState> => call("attendance_state", {  }),
    attendanceReport: (from: string, to: string, tzOffsetMin: number): Promise<Array<AttendanceRow>> => call("attendance_report", { from, to, tzOffsetMin }),
    mapData: (from: number, to: number): Promise<MapData> => call("map_data", { from, to }),
    /** Whether a geocoding service is configured (FIELDOPS_GEOCODER_URL): the site editor then */
    /** offers to find a typed address. */
    geocoderConfigured: (): Promise<boolean> => call("geocoder_configured", {  }),
    /** Where a typed address is, from the configured geocoding service (at most five places). */
    geocodeAddress: (text: string, language: string): Promise<Array<GeocodeHit>> => call("geocode_address", { text, language }),
    /** The tiles maps draw on when online (the company's service); none: the offline base map. */
    tileService: (): Promise<TileService | null> => call("tile_service", {  }),
    /** Administrators set the company's tile service, or remove it (None). */
    setTileService: (service: TileService | null): Promise<TileService | null> => call("set_tile_service", { service }),
    /** Stored (WGS-84) positions in a map's coordinate system, for drawing. */
    toMapCoordinates: (crs: MapCrs, points: Array<LatLon>): Promise<Array<LatLon>> => call("to_map_coordinates", { crs, points }),
    /** A point picked on a map in `crs` as the WGS-84 position to store. */
    fromMapCoordinates: (crs: MapCrs, point: LatLon): Promise<LatLon> => call("from_map_coordinates", { crs, point }),
    /** The attendance report as CSV, saved under the app's files folder (exports/). */
    exportAttendance: (from: string, to: string, tzOffsetMin: number): Promise<SavedFile> => call("export_attendance", { from, to, tzOffsetMin }),
    /** The device's position; fails with a clear message where it has none (desktop). */
    currentPosition: (): Promise<Position> => call("current_position", {  }),
    /** Ask the configured geocoding service for the check-ins' full addresses (no-op when none). */
    resolveAddresses: (id: string, language: string): Promise<OrderDetail> => call("resolve_addresses", { id, language }),
    /** A site photo as picked (JPEG, PNG or WebP; base64, no data: prefix). The image work */
    /** (decode, orient, resize, encode: up to a second for 12 megapixels) runs on a worker */
    /** thread, outside the store lock. */
    attachPhoto: (id: string, dataBase64: string, input: PhotoInput): Promise<OrderDetail> => call("attach_photo", { id, dataBase64, input }),
    /** A blob for display: from the device, or fetched (and verified) from the server. */
    getBlob: (hash: string): Promise<BlobData> => call("get_blob", { hash }),
    listEquipment: (filter: EquipmentFilter): Promise<Array<EquipmentView>> => call("list_equipment", { filter }),
    createEquipment: (info: EquipmentInfo): Promise<EquipmentView> => call("create_equipment", { info }),
    updateEquipment: (id: string, info: EquipmentInfo): Promise<EquipmentView> => call("update_equipment", { id, info }),
    listProjects: (customerId: string | null): Promise<Array<ProjectView>> => call("list_projects", { customerId }),
    createProject: (info: ProjectInfo): Promise<ProjectView> => call("create_project", { info }),
    updateProject: (id: string, info: ProjectInfo): Promise<ProjectView> => call("update_project", { id, info }),
    listCustomers: (): Promise<Array<CustomerView>> => call("list_customers", {  }),
    getCustomer: (id: string): Promise<CustomerView> => call("get_customer", { id }),
    /** Customers matching every word of `text` (name, region, contacts, sites); all when empty. */
    searchCustomers: (text: string): Promise<Array<CustomerView>> => call("search_customers", { text }),
    createCustomer: (input: CustomerInput): Promise<CustomerView> => call("create_customer", { input }),
    updateCustomer: (id: string, input: CustomerInput): Promise<CustomerView> => call("update_customer", { id, input }),
    listParts: (text: string | null): Promise<Array<PartView>> => call("list_parts", { text }),
    createPart: (info: PartInfo): Promise<PartView> => call("create_part", { info }),
    updatePart: (id: string, info: PartInfo): Promise<PartView> => call("update_part", { id, info }),
    listCategories: (): Promise<Array<CategoryView>> => call("list_categories", {  }),
    createCategory: (name: string, parentId: string | null): Promise<CategoryView> => call("create_category", { name, parentId }),
    updateCategory: (id: string, name: string, parentId: string | null): Promise<CategoryView> => call("update_category", { id, name, parentId }),
    updateLocation: (id: string, name: string, owner: string | null): Promise<LocationView> => call("update_location", { id, name, owner }),
    listLocations: (): Promise<Array<LocationView>> => call("list_locations", {  }),
    createLocation: (kind: LocationKind, name: string, owner: string | null): Promise<LocationView> => call("create_location", { kind, name, owner }),
    recordMovement: (locationId: string, partId: string, kind: MovementKind, qty: number, note: string): Promise<Array<LevelView>> => call("record_movement", { locationId, partId, kind, qty, note }),
    stockTake: (locationId: string, counts: Array<StockCount>, note: string): Promise<Array<StockTakeLine>> => call("stock_take", { locationId, counts, note }),
    transferStock: (from: string, to: string, partId: string, qty: number, note: string): Promise<null> => call("transfer_stock", { from, to, partId, qty, note }),
    stockLevels: (locationId: string | null, partId: string | null): Promise<Array<LevelView>> => call("stock_levels", { locationId, partId }),
    stockMovements: (locationId: string, partId: string): Promise<Array<MovementView>> => call("stock_movements", { locationId, partId }),
    stockAlerts: (): Promise<Array<StockAlert>> => call("stock_alerts", {  }),
    usePart: (orderId: string, partId: string, qty: number, locationId: string): Promise<OrderDetail> => call("use_part", { orderId, partId, qty, locationId }),
    listRequests: (status: RequestStatus | null): Promise<Array<RequestView>> => call("list_requests", { status }),
    createRequest: (toLocation: string, orderId: string | null, lines: Array<RequestLineInput>): Promise<RequestView> => call("create_request", { toLocation, orderId, lines }),
    approveRequest: (id: string, quantities: { [key in string]: number }): Promise<RequestView> => call("approve_request", { id, quantities }),
    rejectRequest: (id: string, reason: string): Promise<RequestView> => call("reject_request", { id, reason }),
    cancelRequest: (id: string): Promise<RequestView> => call("cancel_request", { id }),
    issueRequest: (id: string, fromLocation: string): Promise<RequestView> => call("issue_request", { id, fromLocation }),
    receiveRequest: (id: string): Promise<RequestView> => call("receive_request", { id }),
    partsStatistics: (from: number, to: number): Promise<PartsStats> => call("parts_statistics", { from, to }),
    /** A picture of a part (JPEG, PNG or WebP; base64). */
    setPartPhoto: (id: string, dataBase64: string): Promise<PartView> => call("set_part_photo", { id, dataBase64 }),
    /** A CSV or XLSX file with a header row (base64): all rows or none. */
    importParts: (dataBase64: string, format: TableFormat): Promise<ImportReport> => call("import_parts", { dataBase64, format }),
    /** The parts catalogue as CSV or XLSX, saved under the app's files folder (exports/). */
    exportParts: (format: TableFormat): Promise<SavedFile> => call("export_parts", { format }),
    /** Parts statistics for [from, to) as CSV or XLSX, saved under exports/. */
    exportPartsStatistics: (from: number, to: number, format: TableFormat): Promise<SavedFile> => call("export_parts_statistics", { from, to, format }),
    /** What a scanned or typed code names on this device: a part, a machine, several, nothing. */
    scanCode: (code: string): Promise<ScanHit> => call("scan_code", { code }),
    photoWatermark: (): Promise<boolean> => call("photo_watermark", {  }),
    setPhotoWatermark: (on: boolean): Promise<boolean> => call("set_photo_watermark", { on }),
    geofenceDefault: (): Promise<number> => call("geofence_default", {  }),
    setGeofenceDefault: (radiusM: number): Promise<number> => call("set_geofence_default", { radiusM }),
    templates: (): Promise<Array<TemplateView>> => call("templates", {  }),
    saveTemplate: (orderType: OrderType, template: Template): Promise<Array<TemplateView>> => call("save_template", { orderType, template }),
    responseTargets: (): Promise<ResponseTargets> => call("response_targets", {  }),
    /** Administrators set how soon after creation orders should reach each stage. */
    setResponseTargets: (targets: ResponseTargets): Promise<ResponseTargets> => call("set_response_targets", { targets }),
    companyProfile: (): Promise<CompanyProfile> => call("company_profile", {  }),
    workDay: (): Promise<WorkDay> => call("work_day", {  }),
    /** Administrators set the working day the schedule board measures load and free slots in. */
    setWorkDay: (day: WorkDay): Promise<WorkDay> => call("set_work_day", { day }),
    /** Administrators set what the service report prints about the company (a new logo is scaled to fit). */
    setCompanyProfile: (profile: CompanyProfile): Promise<CompanyProfile> => call("set_company_profile", { profile }),
    teams: (): Promise<Array<TeamView>> => call("teams", {  }),
    /** Administrators make a team (no id) or change one. */
    saveTeam: (id: string | null, team: Team): Promise<Array<TeamView>> => call("save_team", { id, team }),
    removeTeam: (id: string): Promise<Array<TeamView>> => call("remove_team", { id }),
    directory: (): Promise<Array<UserInfo>> => call("directory", {  }),
    /** The technicians new work may go to (active ones). */
    technicians: (): Promise<Array<UserInfo>> => call("technicians", {  }),
    /** Every person of the company with their devices (administrators). */
    people: (): Promise<Array<PersonView>> => call("people", {  }),
    addPerson: (person: NewPerson): Promise<UserInfo> => call("add_person", { person }),
    /** Add someone by e-mail: they choose their own password through a one-time link. */
    invitePerson: (invitation: Invitation): Promise<InvitationSent> => call("invite_person", { invitation }),
    /** The link to choose a password, again, to the e-mail address of the person's contact */
    /** (the earlier link stops working). */
    sendInvitation: (id: string): Promise<InvitationSent> => call("send_invitation", { id }),
    /** Name, role, or active (a deactivated person is signed out everywhere at once). */
    changePerson: (id: string, change: PersonChange): Promise<UserInfo> => call("change_person", { id, change }),
    /** Where someone's notifications go: e-mail, mobile number, language. */
    setPersonContact: (id: string, contact: Contact): Promise<Contact> => call("set_person_contact", { id, contact }),
    /** A new password for someone; their devices sign in again. */
    resetPassword: (id: string, password: string): Promise<null> => call("reset_password", { id, password }),
    /** Cut a device off: at its next contact it erases its local copy, after sending its */
    /** unsent work when `keep_unsent`. */
    revokeDevice: (id: string, keepUnsent: boolean): Promise<null> => call("revoke_device", { id, keepUnsent }),
    /** The audit log, newest first. */
    auditLog: (query: AuditQuery): Promise<Array<AuditEntry>> => call("audit_log", { query }),
    /** The audit log as CSV (up to 500 lines of the search), saved under exports/. */
    exportAudit: (query: AuditQuery): Promise<SavedFile> => call("export_audit", { query }),
    /** The dashboard's figures for a period and filters, with the orders behind each. */
    statistics: (query: StatsQuery): Promise<Statistics> => call("statistics", { query }),
    /** The same figures as an XLSX workbook, saved under exports/. */
    exportStatistics: (query: StatsQuery): Promise<SavedFile> => call("export_statistics", { query }),
    /** One of those tables as CSV, saved under exports/. */
    exportStatisticsTable: (query: StatsQuery, table: StatsTable): Promise<SavedFile> => call("export_statistics_table", { query, table }),
    /** The staff assessment report (one page per technician) as a PDF, saved under reports/. */
    assessmentReport: (query: StatsQuery): Promise<SavedReport> => call("assessment_report", { query }),
    /** The staff assessment as an XLSX workbook (a row per technician, their ratings on a */
    /** second sheet), saved under exports/. */
    exportAssessment: (query: StatsQuery): Promise<SavedFile> => call("export_assessment", { query }),
    /** Current alerts (due soon, overdue, set aside) of what this device holds, on today's */
    /** date in the company's calendar. */
    alerts: (filter: AlertFilter): Promise<AlertList> => call("alerts", { filter }),
    /** A supervisor sets an alert aside with a reason; a planned visit is then skipped. */
    acknowledgeAlert: (key: string, reason: string): Promise<AlertList> => call("acknowledge_alert", { key, reason }),
    /** The order of a due visit, marked as that visit's (an existing one is returned instead). */
    createOrderFromAlert: (key: string, description: string): Promise<OrderDetail> => call("create_order_from_alert", { key, description }),
    equipmentPlans: (equipmentId: string): Promise<Array<PlanView>> => call("equipment_plans", { equipmentId }),
    /** Add a plan (no id) or change one. */
    savePlan: (equipmentId: string, planId: string | null, plan: Plan): Promise<Array<PlanView>> => call("save_plan", { equipmentId, planId, plan }),
    deletePlan: (equipmentId: string, planId: string): Promise<Array<PlanView>> => call("delete_plan", { equipmentId, planId }),
    /** A project's plans: each visits every machine of the project. */
    projectPlans: (projectId: string): Promise<Array<PlanView>> => call("project_plans", { projectId }),
    saveProjectPlan: (projectId: string, planId: string | null, plan: Plan): Promise<Array<PlanView>> => call("save_project_plan", { projectId, planId, plan }),
    deleteProjectPlan: (projectId: string, planId: string): Promise<Array<PlanView>> => call("delete_project_plan", { projectId, planId }),
    /** Planned visits between two dates, for the calendar. */
    plannedVisits: (from: string, to: string): Promise<Array<PlannedVisit>> => call("planned_visits", { from, to }),
    alertSettings: (): Promise<AlertSettings> => call("alert_settings", {  }),
    saveAlertRule: (kind: AlertKind, rule: AlertRule): Promise<AlertSettings> => call("save_alert_rule", { kind, rule }),
    setTimeZone: (name: string): Promise<AlertSettings> => call("set_time_zone", { name }),
    /** The newest messages for the signed-in person and how many are unread. */
    notifications: (): Promise<Inbox> => call("notifications", {  }),
    /** Mark these messages read (all of them when none are named). */
    markNotificationsRead: (keys: Array<string>): Promise<Inbox> => call("mark_notifications_read", { keys }),
    /** The channels the company has set up, without their secrets (administrators). */
    notificationChannels: (): Promise<Array<ChannelView>> => call("notification_channels", {  }),
    /** Set up or change one channel; a secret left empty keeps the stored one. */
    saveNotificationChannel: (setup: ChannelSetup): Promise<Array<ChannelView>> => call("save_notification_channel", { setup }),
    removeNotificationChannel: (channel: Channel): Promise<Array<ChannelView>> => call("remove_notification_channel", { channel }),
    /** Queue a test message; its delivery shows in the outbox. */
    sendTestMessage: (test: TestMessage): Promise<OutboxEntry> => call("send_test_message", { test }),
    /** The company's messages, newest first, with their delivery state. */
    notificationOutbox: (query: OutboxQuery): Promise<Array<OutboxEntry>> => call("notification_outbox", { query }),
    /** Decide the company's messages now instead of at the server's next check. */
    checkAlertsNow: (): Promise<ScanAnswer> => call("check_alerts_now", {  }),
    /** Whether customers' tracking pages show the technician's mobile number. */
    portalShowsPhone: (): Promise<boolean> => call("portal_shows_phone", {  }),
    /** Show (or stop showing) the technician's mobile number to customers (administrators). */
    setPortalShowsPhone: (on: boolean): Promise<boolean> => call("set_portal_shows_phone", { on }),
    /** The portal address of each machine or customer named; new ones (the old stop working) */
    /** when `reissue`. */
    portalLinks: (kind: LinkKind, targets: Array<string>, reissue: boolean): Promise<Array<PortalLink>> => call("portal_links", { kind, targets, reissue }),
    /** Stop a machine's or customer's portal link (its labels no longer open the form). */
    revokePortalLink: (kind: LinkKind, target: string): Promise<Revoked> => call("revoke_portal_link", { kind, target }),
    /** The label sheet PDF of these machines' QR codes, saved on the device; `reissue` first */
    /** replaces their links (labels printed before stop working). */
    printMachineLabels: (equipmentIds: Array<string>, reissue: boolean): Promise<SavedReport> => call("print_machine_labels", { equipmentIds, reissue }),
    /** Entries on this device matching the words and filters, best first. */
    searchKnowledge: (search: KnowledgeSearch): Promise<Array<EntrySummary>> => call("search_knowledge", { search }),
    /** The models and tags in use, for the search filters. */
    knowledgeFacets: (): Promise<KnowledgeFacets> => call("knowledge_facets", {  }),
    getEntry: (id: string): Promise<EntryDetail> => call("get_entry", { id }),
    /** A new article or fault entry: a draft, or published at once by a supervisor or admin. */
    createEntry: (kind: EntryKind, content: EntryContent, publish: boolean): Promise<EntryDetail> => call("create_entry", { kind, content, publish }),
    updateEntry: (id: string, content: EntryContent): Promise<EntryDetail> => call("update_entry", { id, content }),
    /** Publish, archive or take back to draft (supervisors and admins). */
    setEntryStatus: (id: string, status: EntryStatus): Promise<EntryDetail> => call("set_entry_status", { id, status }),
    /** Who saved each version and when, newest first. */
    entryVersions: (id: string): Promise<Array<Version>> => call("entry_versions", { id }),
    entryVersion: (id: string, version: string): Promise<VersionView> => call("entry_version", { id, version }),
    /** Make an old version current again (as a new version). */
    restoreEntryVersion: (id: string, version: string): Promise<EntryDetail> => call("restore_entry_version", { id, version }),
    /** Keep a PDF or picture (at most 50 MB) with the entry. */
    addEntryAttachment: (id: string, name: string, dataBase64: string): Promise<EntryDetail> => call("add_entry_attachment", { id, name, dataBase64 }),
    removeEntryAttachment: (id: string, hash: string): Promise<EntryDetail> => call("remove_entry_attachment", { id, hash }),
    /** Keep (or stop keeping) the entry's attachments on this device for use offline. */
    pinEntry: (id: string, pinned: boolean): Promise<EntryDetail> => call("pin_entry", { id, pinned }),
    /** An attachment saved as a file to open (from the device, or fetched once and kept). */
    openAttachment: (id: string, hash: string): Promise<SavedFile> => call("open_attachment", { id, hash }),
    /** Markdown files (with front matter), PDFs and pictures, a folder of them or ZIPs: all */
    /** imported, or nothing and each bad file with its problem. */
    importKnowledge: (files: Array<PickedFile>, publish: boolean): Promise<KnowledgeImport> => call("import_knowledge", { files, publish }),
    /** Entries that may fix this order, and the one it was fixed with. */
    possibleSolutions: (orderId: string): Promise<Solutions> => call("possible_solutions", { orderId }),
    /** Record that this entry fixed the order. */
    markFixedWith: (orderId: string, entryId: string): Promise<Solutions> => call("mark_fixed_with", { orderId, entryId }),
    /** A draft fault entry made from the order (symptom, resolution, parts, photos). */
    draftEntryFromOrder: (orderId: string): Promise<EntryDetail> => call("draft_entry_from_order", { orderId }),
  };
}

export type Commands = ReturnType<typeof commands>;
