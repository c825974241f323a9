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
  return {
    ...commands(call),
    on(event, handler) {
      const pending = listen(`fieldops://${event}`, (e) => handler(e.payload));
      return () => {
        void pending.then((unlisten) => unlisten());
      };
    },
  };
}
