import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { commands } from "../generated/commands";
import type { Backend } from "./backend";
import { toError } from "./backend";

/** Inside the app: every command goes through the shell's one IPC entry. */
export function tauriBackend(): Backend {
  const call = async <T,>(command: string, args: Record<string, unknown>): Promise<T> => {
    try {
      return await invoke<T>("call", { command, args });
    } catch (e) {
      throw toError(e);
    }
  };
  const mobile = typeof navigator !== "undefined" && /Android|iPhone|iPad/i.test(navigator.userAgent);
  return {
    ...commands(call),
    // The official barcode-scanner plugin, registered in the shell on mobile builds only.
    scanWithCamera: mobile
      ? async () => {
          try {
            return (await invoke<{ content: string }>("plugin:barcode-scanner|scan", { windowed: false, formats: [] })).content;
          } catch (e) {
            throw toError(e);
          }
        }
      : undefined,
    on(event, handler) {
      const pending = listen(`fieldops://${event}`, (e) => handler(e.payload));
      return () => {
        void pending.then((unlisten) => unlisten());
      };
    },
  };
}
