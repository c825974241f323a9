import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// Tauri loads ui/dist; the dev server is for `vite dev` in a browser, against the development
// bridge (`fieldops-bridge`, see README).
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
  },
});
