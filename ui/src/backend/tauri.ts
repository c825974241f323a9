import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { Backend, BackendEvent } from "./backend";
import { toError } from "./backend";

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toError(e);
  }
}

export function tauriBackend(): Backend {
  return {
    defaults: () => call("defaults"),
    session: () => call("session"),
    login: (serverUrl, tenant, login, password) => call("login", { serverUrl, tenant, login, password }),
    logout: (discard) => call("logout", { discard }),
    listOrders: (filter) => call("list_orders", { filter }),
    getOrder: (id) => call("get_order", { id }),
    createOrder: (input) => call("create_order", { input }),
    updateOrder: (id, input) => call("update_order", { id, input }),
    dispatchOrder: (id, to) => call("dispatch_order", { id, to }),
    acceptOrder: (id) => call("accept_order", { id }),
    rejectOrder: (id, reason) => call("reject_order", { id, reason }),
    startTravel: (id) => call("start_travel", { id }),
    checkIn: (id, position) => call("check_in", { id, position }),
    checkOut: (id, position) => call("check_out", { id, position }),
    addProgress: (id, note) => call("add_progress", { id, note }),
    completeOrder: (id, resolution) => call("complete_order", { id, resolution }),
    rateOrder: (id, stars, comment) => call("rate_order", { id, stars, comment }),
    settleOrder: (id) => call("settle_order", { id }),
    reopenOrder: (id, reason) => call("reopen_order", { id, reason }),
    cancelOrder: (id, reason) => call("cancel_order", { id, reason }),
    resolveConflicts: (id, note) => call("resolve_conflicts", { id, note }),
    setChecklistItem: (id, itemId, done) => call("set_checklist_item", { id, itemId, done }),
    putCharge: (id, lineId, input) => call("put_charge", { id, lineId, input }),
    deleteCharge: (id, lineId) => call("delete_charge", { id, lineId }),
    putCost: (id, lineId, input) => call("put_cost", { id, lineId, input }),
    deleteCost: (id, lineId) => call("delete_cost", { id, lineId }),
    addLabourCost: (id, rateMinorPerHour, currency) => call("add_labour_cost", { id, rateMinorPerHour, currency }),
    listRecords: (filter) => call("list_records", { filter }),
    captureSignature: (id, pngBase64, signer) => call("capture_signature", { id, pngBase64, signer }),
    getBlob: (hash) => call("get_blob", { hash }),
    attachPhoto: (id, dataBase64, input) => call("attach_photo", { id, dataBase64, input }),
    templates: () => call("templates"),
    serviceReport: (id) => call("service_report", { id }),
    saveTemplate: (orderType, template) => call("save_template", { orderType, template }),
    currentPosition: () => call("current_position"),
    geofenceDefault: () => call("geofence_default"),
    photoWatermark: () => call("photo_watermark"),
    setPhotoWatermark: (on) => call("set_photo_watermark", { on }),
    setGeofenceDefault: (radiusM) => call("set_geofence_default", { radiusM }),
    mapData: (from, to) => call("map_data", { from, to }),
    resolveAddresses: (id, language) => call("resolve_addresses", { id, language }),
    clock: (kind, position) => call("clock", { kind, position }),
    attendanceState: () => call("attendance_state"),
    attendanceReport: (from, to, tzOffsetMin) => call("attendance_report", { from, to, tzOffsetMin }),
    exportAttendance: (from, to, tzOffsetMin) => call("export_attendance", { from, to, tzOffsetMin }),
    listParts: (text) => call("list_parts", { text }),
    exportParts: (format) => call("export_parts", { format }),
    partsStatistics: (from, to) => call("parts_statistics", { from, to }),
    exportPartsStatistics: (from, to, format) => call("export_parts_statistics", { from, to, format }),
    importParts: (dataBase64, format) => call("import_parts", { dataBase64, format }),
    createPart: (info) => call("create_part", { info }),
    setPartPhoto: (id, dataBase64) => call("set_part_photo", { id, dataBase64 }),
    updatePart: (id, info) => call("update_part", { id, info }),
    listCategories: () => call("list_categories"),
    createCategory: (name, parentId) => call("create_category", { name, parentId }),
    updateCategory: (id, name, parentId) => call("update_category", { id, name, parentId }),
    listLocations: () => call("list_locations"),
    createLocation: (kind, name, owner) => call("create_location", { kind, name, owner }),
    updateLocation: (id, name, owner) => call("update_location", { id, name, owner }),
    recordMovement: (locationId, partId, kind, qty, note) => call("record_movement", { locationId, partId, kind, qty, note }),
    transferStock: (from, to, partId, qty, note) => call("transfer_stock", { from, to, partId, qty, note }),
    stockTake: (locationId, counts, note) => call("stock_take", { locationId, counts, note }),
    stockLevels: (locationId, partId) => call("stock_levels", { locationId, partId }),
    stockMovements: (locationId, partId) => call("stock_movements", { locationId, partId }),
    stockAlerts: () => call("stock_alerts"),
    usePart: (orderId, partId, qty, locationId) => call("use_part", { orderId, partId, qty, locationId }),
    listRequests: (status) => call("list_requests", { status }),
    createRequest: (toLocation, orderId, lines) => call("create_request", { toLocation, orderId, lines }),
    approveRequest: (id, quantities) => call("approve_request", { id, quantities }),
    rejectRequest: (id, reason) => call("reject_request", { id, reason }),
    cancelRequest: (id) => call("cancel_request", { id }),
    issueRequest: (id, fromLocation) => call("issue_request", { id, fromLocation }),
    receiveRequest: (id) => call("receive_request", { id }),
    listEquipment: (filter) => call("list_equipment", { filter }),
    createEquipment: (info) => call("create_equipment", { info }),
    updateEquipment: (id, info) => call("update_equipment", { id, info }),
    listProjects: (customerId) => call("list_projects", { customerId }),
    createProject: (info) => call("create_project", { info }),
    updateProject: (id, info) => call("update_project", { id, info }),
    listCustomers: () => call("list_customers"),
    createCustomer: (input) => call("create_customer", { input }),
    directory: () => call("directory"),
    syncStatus: () => call("sync_status"),
    syncNow: () => call("sync_now"),
    on(event: BackendEvent, handler) {
      const pending = listen(`fieldops://${event}`, (e) => handler(e.payload));
      return () => {
        void pending.then((unlisten) => unlisten());
      };
    },
  };
}
