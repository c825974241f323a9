import type { Backend } from "./backend";
import { mockBackend, type MockControls } from "./mock";
import { tauriBackend } from "./tauri";

declare global {
  interface Window {
    __TAURI_INTERNALS__?: unknown;
    /** Test hooks of the mock backend (browser tests only). */
    __fieldopsMock?: MockControls;
  }
}

/** The Tauri backend inside the app; the mock in a plain browser (tests, `vite dev`). */
export function pickBackend(): Backend {
  if (typeof window !== "undefined" && window.__TAURI_INTERNALS__) return tauriBackend();
  const mock = mockBackend();
  if (typeof window !== "undefined") window.__fieldopsMock = mock;
  return mock;
}

export * from "./backend";
export * from "./types";
