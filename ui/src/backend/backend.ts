import type {
  AttendanceRow,
  PartsStats,
  ImportReport,
  SavedFile,
  TableFormat,
  CategoryView,
  LevelView,
  LocationKind,
  LocationView,
  MovementKind,
  MovementView,
  PartInfo,
  PartView,
  RequestLineInput,
  RequestStatus,
  RequestView,
  StockAlert,
  StockCount,
  StockTakeLine,
  AttendanceState,
  BlobData,
  ClockKind,
  ChargeInput,
  CostInput,
  CustomerInput,
  CustomerView,
  Defaults,
  EquipmentFilter,
  EquipmentInfo,
  EquipmentView,
  ErrorBody,
  MapData,
  OrderDetail,
  OrderFilter,
  OrderInput,
  OrderSummary,
  OrderType,
  PhotoInput,
  Position,
  ProjectInfo,
  ProjectView,
  RecordFilter,
  RecordView,
  SavedExport,
  SavedReport,
  SessionInfo,
  SyncReport,
  SyncStatus,
  Template,
  TemplateView,
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
  startTravel(id: string): Promise<OrderDetail>;
  checkIn(id: string, position: Position | null): Promise<OrderDetail>;
  checkOut(id: string, position: Position | null): Promise<OrderDetail>;
  addProgress(id: string, note: string): Promise<OrderDetail>;
  completeOrder(id: string, resolution: string): Promise<OrderDetail>;
  rateOrder(id: string, stars: number, comment: string): Promise<OrderDetail>;
  settleOrder(id: string): Promise<OrderDetail>;
  reopenOrder(id: string, reason: string): Promise<OrderDetail>;
  cancelOrder(id: string, reason: string): Promise<OrderDetail>;
  resolveConflicts(id: string, note: string): Promise<OrderDetail>;
  setChecklistItem(id: string, itemId: string, done: boolean): Promise<OrderDetail>;
  putCharge(id: string, lineId: string | null, input: ChargeInput): Promise<OrderDetail>;
  deleteCharge(id: string, lineId: string): Promise<OrderDetail>;
  putCost(id: string, lineId: string | null, input: CostInput): Promise<OrderDetail>;
  deleteCost(id: string, lineId: string): Promise<OrderDetail>;
  addLabourCost(id: string, rateMinorPerHour: number, currency: string): Promise<OrderDetail>;
  listRecords(filter: RecordFilter): Promise<RecordView[]>;
  /** The customer's signature as a PNG (base64, no data: prefix). */
  captureSignature(id: string, pngBase64: string, signer: string): Promise<OrderDetail>;
  getBlob(hash: string): Promise<BlobData>;
  /** A site photo as picked (JPEG, PNG or WebP; base64, no data: prefix). */
  attachPhoto(id: string, dataBase64: string, input: PhotoInput): Promise<OrderDetail>;
  templates(): Promise<TemplateView[]>;
  /** Make the service report PDF of a completed order and save it on the device. */
  serviceReport(id: string): Promise<SavedReport>;
  saveTemplate(orderType: OrderType, template: Template): Promise<TemplateView[]>;
  /** The device's position; fails with a clear message where it has none (desktop). */
  currentPosition(): Promise<Position>;
  geofenceDefault(): Promise<number>;
  photoWatermark(): Promise<boolean>;
  setPhotoWatermark(on: boolean): Promise<boolean>;
  setGeofenceDefault(radiusM: number): Promise<number>;
  /** Sites, check-ins and last positions for the map, for [from, to) in ms. */
  mapData(from: number, to: number): Promise<MapData>;
  /** Ask the configured geocoding service for the check-ins' full addresses (no-op when none). */
  resolveAddresses(id: string, language: string): Promise<OrderDetail>;
  clock(kind: ClockKind, position: Position | null): Promise<AttendanceState>;
  attendanceState(): Promise<AttendanceState>;
  /** Per person and local day; dates YYYY-MM-DD inclusive, offset = minutes east of UTC. */
  attendanceReport(from: string, to: string, tzOffsetMin: number): Promise<AttendanceRow[]>;
  exportAttendance(from: string, to: string, tzOffsetMin: number): Promise<SavedExport>;
  listParts(text: string | null): Promise<PartView[]>;
  exportParts(format: TableFormat): Promise<SavedFile>;
  partsStatistics(from: number, to: number): Promise<PartsStats>;
  exportPartsStatistics(from: number, to: number, format: TableFormat): Promise<SavedFile>;
  /** A CSV or XLSX file with a header row (base64): all rows or none. */
  importParts(dataBase64: string, format: TableFormat): Promise<ImportReport>;
  createPart(info: PartInfo): Promise<PartView>;
  setPartPhoto(id: string, dataBase64: string): Promise<PartView>;
  updatePart(id: string, info: PartInfo): Promise<PartView>;
  listCategories(): Promise<CategoryView[]>;
  createCategory(name: string, parentId: string | null): Promise<CategoryView>;
  /** Rename a category or move it (parentId null: to the top); never inside itself. */
  updateCategory(id: string, name: string, parentId: string | null): Promise<CategoryView>;
  listLocations(): Promise<LocationView[]>;
  createLocation(kind: LocationKind, name: string, owner: string | null): Promise<LocationView>;
  /** Rename a location, or give a van to another technician. */
  updateLocation(id: string, name: string, owner: string | null): Promise<LocationView>;
  recordMovement(locationId: string, partId: string, kind: MovementKind, qty: number, note: string): Promise<LevelView[]>;
  transferStock(from: string, to: string, partId: string, qty: number, note: string): Promise<void>;
  /** Counted quantities at a location: each difference from the known level becomes an adjustment, all or nothing. */
  stockTake(locationId: string, counts: StockCount[], note: string): Promise<StockTakeLine[]>;
  stockLevels(locationId: string | null, partId: string | null): Promise<LevelView[]>;
  stockMovements(locationId: string, partId: string): Promise<MovementView[]>;
  stockAlerts(): Promise<StockAlert[]>;
  usePart(orderId: string, partId: string, qty: number, locationId: string): Promise<OrderDetail>;
  listRequests(status: RequestStatus | null): Promise<RequestView[]>;
  createRequest(toLocation: string, orderId: string | null, lines: RequestLineInput[]): Promise<RequestView>;
  approveRequest(id: string, quantities: Record<string, number>): Promise<RequestView>;
  rejectRequest(id: string, reason: string): Promise<RequestView>;
  cancelRequest(id: string): Promise<RequestView>;
  issueRequest(id: string, fromLocation: string): Promise<RequestView>;
  receiveRequest(id: string): Promise<RequestView>;
  listEquipment(filter: EquipmentFilter): Promise<EquipmentView[]>;
  createEquipment(info: EquipmentInfo): Promise<EquipmentView>;
  updateEquipment(id: string, info: EquipmentInfo): Promise<EquipmentView>;
  listProjects(customerId: string | null): Promise<ProjectView[]>;
  createProject(info: ProjectInfo): Promise<ProjectView>;
  updateProject(id: string, info: ProjectInfo): Promise<ProjectView>;
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
