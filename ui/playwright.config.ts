import { defineConfig } from "@playwright/test";

// Debian's Chromium, never a downloaded browser. Each test starts its own real stack (e2e/stack.ts):
// the sync server binary and the development bridge over a real device store.
export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  // The real stack answers in milliseconds, but on a loaded 2-core machine a sync round can
  // take seconds: assertions wait up to 15 s before they fail.
  expect: { timeout: 15_000 },
  retries: 0,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: "http://127.0.0.1:4173",
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  // Every flow at the desktop size; the field flows (tagged @field) again on a tablet held
  // upright and on a phone.
  projects: [
    { name: "desktop" },
    { name: "tablet", use: { viewport: { width: 768, height: 1024 } }, grep: /@field/ },
    { name: "phone", use: { viewport: { width: 360, height: 800 } }, grep: /@field/ },
  ],
  webServer: {
    command: "npx vite preview --host 127.0.0.1 --port 4173 --strictPort",
    url: "http://127.0.0.1:4173",
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
