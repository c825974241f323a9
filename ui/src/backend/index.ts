import type { Backend } from "./backend";
import { bridgeBackend } from "./bridge";
import { tauriBackend } from "./tauri";

declare global {
  interface Window {
    __TAURI_INTERNALS__?: unknown;
  }
}

/** Where the development bridge listens unless the page names another (`?bridge=URL`). */
const DEFAULT_BRIDGE = "http://127.0.0.1:8790";

/** The Tauri backend inside the app; the development bridge in a plain browser. */
export function pickBackend(): Backend {
  if (typeof window !== "undefined" && window.__TAURI_INTERNALS__) return tauriBackend();
  const asked = typeof window !== "undefined" ? new URLSearchParams(window.location.search).get("bridge") : null;
  return bridgeBackend(asked ?? DEFAULT_BRIDGE);
}

export * from "./backend";
export * from "../generated/commands";
