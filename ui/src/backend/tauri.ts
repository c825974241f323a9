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
