// The real stack for each browser test: a fresh sync server (the real binary, SQLite, the demo
// company's people) and a device store behind the development bridge (the real core). The page talks to
// the bridge exactly as the app talks to its shell. Stand-ins only for what cannot run here:
// the position a phone's GPS would give is set through the bridge's test endpoint.
import { test as base, expect } from "@playwright/test";
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const targetDir = process.env.CARGO_TARGET_DIR ?? resolve(import.meta.dirname, "../../target");
const bin = (name: string) => join(targetDir, "debug", name);

/** Start a process that prints `listening on URL` first; resolves with the URL. */
function startListening(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolveStart, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, FIELDOPS_LOG: "warn", ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start: ${out}`)), 20_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveStart({ child, url: m[1] });
      }
    });
    child.on("exit", (code) => reject(new Error(`${cmd} exited with ${code}: ${out}`)));
  });
}

async function stop(child: ChildProcess | null) {
  if (!child || child.exitCode !== null) return;
  const gone = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await gone;
}

export class Stack {
  server: ChildProcess | null = null;
  serverUrl = "";
  devices = new Map<string, ChildProcess>();
  /** Options added to `serve` at the next start. */
  serverArgs: string[] = [];
  constructor(readonly dir: string) {}

  get database() {
    return `sqlite://${join(this.dir, "server.sqlite")}`;
  }

  async startServer() {
    // The same address after a restart: the devices' sessions name it.
    const listen = this.serverUrl ? this.serverUrl.replace("http://", "") : "127.0.0.1:0";
    const { child, url } = await startListening(bin("fieldops-sync-server"), ["serve", "--listen", listen, "--database", this.database, ...this.serverArgs]);
    this.server = child;
    this.serverUrl = url;
  }

  /** The network is gone, as far as the devices can tell. */
  async stopServer() {
    await stop(this.server);
    this.server = null;
  }

  /** A device: its own store behind its own bridge (with `env` added to its environment);
   * returns the bridge's URL. */
  async device(name: string, env: Record<string, string> = {}): Promise<string> {
    const { child, url } = await startListening(bin("fieldops-bridge"), ["--data", join(this.dir, name), "--listen", "127.0.0.1:0"], {
      FIELDOPS_SERVER_URL: this.serverUrl,
      FIELDOPS_TENANT: "demo",
      ...env,
    });
    this.devices.set(name, child);
    return url;
  }

  /** The app closed and opened again on the same store (its in-memory token is gone). */
  async restartDevice(name: string): Promise<string> {
    await stop(this.devices.get(name) ?? null);
    return this.device(name);
  }

  async close() {
    await Promise.all([...this.devices.values(), this.server].map((c) => stop(c)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Run one of the app's commands on a device directly, as its shell would; the answer. */
export async function callDevice(bridgeUrl: string, command: string, args: Record<string, unknown> = {}): Promise<unknown> {
  const resp = await fetch(`${bridgeUrl}/api/call/${command}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(args) });
  expect(resp.status, `${command}: ${resp.status}`).toBe(200);
  return resp.json();
}

/** Where a device's GPS says it is (null: no location service, as on desktop), answered after
 * `delayMs` (a phone may take seconds for a fix). */
export async function setPosition(bridgeUrl: string, position: { lat: number; lon: number } | null, delayMs = 0) {
  const body = position && { ...position, accuracy_m: 8, altitude_m: null, mock: null, source: "simulated" };
  const resp = await fetch(`${bridgeUrl}/test/position?delay_ms=${delayMs}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(resp.status).toBe(204);
}

/** The company every test starts with: its people, added with the server's own command, and no data. */
export const PASSWORD = "fieldops-demo";
const PEOPLE: [string, string, string][] = [
  ["admin", "admin", "管理员 Admin"],
  ["chen.jing", "supervisor", "陈静 Chen Jing"],
  ["zhang.wei", "technician", "张伟 Zhang Wei"],
  ["li.na", "technician", "李娜 Li Na"],
  ["zhao.lei", "warehouse", "赵磊 Zhao Lei"],
];

type Fixtures = { stack: Stack; bridge: string };

export const test = base.extend<Fixtures>({
  // Playwright reads a fixture's dependencies from this pattern: this one has none.
  // eslint-disable-next-line no-empty-pattern
  stack: async ({}, provide) => {
    const dir = mkdtempSync(join(tmpdir(), "fieldops-e2e-"));
    const stack = new Stack(dir);
    for (const [login, role, name] of PEOPLE) {
      execFileSync(bin("fieldops-sync-server"), ["user", "add", "--tenant", "demo", "--login", login, "--role", role, "--name", name, "--database", stack.database], {
        input: `${PASSWORD}\n`,
        stdio: ["pipe", "ignore", "inherit"],
      });
    }
    await stack.startServer();
    await provide(stack);
    await stack.close();
  },
  // The page's device; the page opens on it, in English unless the test chose a language.
  bridge: [
    async ({ stack, page }, provide) => {
      const url = await stack.device("device-a");
      await page.addInitScript(() => {
        if (!localStorage.getItem("fieldops.lang")) localStorage.setItem("fieldops.lang", "en");
      });
      await page.goto(`/?bridge=${encodeURIComponent(url)}`);
      await provide(url);
    },
    { auto: true },
  ],
});

export { expect };
