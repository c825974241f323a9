// Benchmark of the customer portal as a customer's phone sees it: the release sync server on the
// demo company (SQLite), headless Chromium with DevTools' "Fast 3G" network profile (1.44 Mbit/s
// down, 675 kbit/s up, 562.5 ms round trip) and a 4× slower CPU. For each run, a fresh browser
// context (empty cache) opens a machine's label link; measured: bytes over the wire for the
// first load (as the network reported them), the time until the request form can be used, and
// a request with two camera photos (3000×2000 JPEG, resized on the phone) from the tap on
// "submit" until the tracking page shows it. Prints one JSON object.
//
// usage: node bench/portal.mjs [runs]   (after `cargo build --release -p fieldops-sync-server -p fieldops-tools`)
import { chromium } from "@playwright/test";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";

const runs = Number(process.argv[2] ?? 5);
const target = process.env.CARGO_TARGET_DIR ?? resolve(import.meta.dirname, "../../target");
const bin = (name) => join(target, "release", name);
const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: (1440 * 1024) / 8, uploadThroughput: (675 * 1024) / 8 };

const dir = mkdtempSync(join(tmpdir(), "fieldops-portal-bench-"));
const database = `sqlite://${join(dir, "server.sqlite")}`;
execFileSync(bin("fieldops-tools"), ["demo-data", "--tenant", "demo", "--database", database], { stdio: "ignore" });
const machine = execFileSync("python3", ["-c", `import sqlite3; print(sqlite3.connect("${join(dir, "server.sqlite")}").execute("SELECT id FROM docs WHERE doc_type='equipment' ORDER BY id LIMIT 1").fetchone()[0])`]).toString().trim();
const photo = join(dir, "photo.jpg");
execFileSync("convert", ["-size", "3000x2000", "plasma:fractal", "-quality", "90", photo]);

const server = spawn(bin("fieldops-sync-server"), ["serve", "--listen", "127.0.0.1:0", "--database", database], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, FIELDOPS_LOG: "warn" } });
const url = await new Promise((ok, fail) => {
  let out = "";
  server.stdout.on("data", (c) => {
    out += c;
    const m = /listening on (\S+)/.exec(out);
    if (m) ok(m[1]);
  });
  server.on("exit", (code) => fail(new Error(`server exited ${code}: ${out}`)));
});

async function json(path, body, token) {
  const resp = await fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  if (!resp.ok) throw new Error(`${path}: ${resp.status} ${await resp.text()}`);
  return resp.json();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = { first_load_bytes: [], form_ready_ms: [], submit_two_photos_ms: [] };
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
try {
  const login = await json("/v1/login", { tenant: "demo", login: "chen.jing", password: "fieldops-demo", device_actor: randomBytes(16).toString("hex"), device_name: "bench" });
  for (let i = 0; i < runs; i++) {
    // A new label each run, so that the limits per token never bite (and per address: 10 an hour).
    const [link] = await json("/v1/admin/portal/links", { kind: "machine", targets: [machine], reissue: true }, login.token);
    const context = await browser.newContext({ viewport: { width: 360, height: 800 }, locale: "zh-CN", isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", FAST_3G);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    let bytes = 0;
    cdp.on("Network.loadingFinished", (e) => (bytes += e.encodedDataLength));
    const start = performance.now();
    await page.goto(link.url);
    await page.getByRole("button", { name: "提交报修" }).waitFor();
    results.form_ready_ms.push(Math.round(performance.now() - start));
    results.first_load_bytes.push(bytes);
    await page.getByLabel("故障描述").fill("压缩机运行十分钟后停机，显示 E07");
    await page.getByLabel("联系人").fill("李先生");
    await page.getByLabel("手机号码").fill("138 0013 8000");
    await page.locator("#photo-input").setInputFiles([photo, photo]);
    await page.getByTestId("photos").locator("img").nth(1).waitFor();
    const tap = performance.now();
    await page.getByRole("button", { name: "提交报修" }).click();
    await page.getByTestId("status").filter({ hasText: "已收到报修" }).waitFor({ timeout: 120_000 });
    results.submit_two_photos_ms.push(Math.round(performance.now() - tap));
    await context.close();
  }
} finally {
  await browser.close();
  server.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}
const pageFiles = ["index.html", "portal.js", "portal.css"].map((f) => readFileSync(resolve(import.meta.dirname, "../../sync-server/src/portal/page", f)).length);
console.log(
  JSON.stringify({
    bench: "portal",
    network: "DevTools Fast 3G (1.44 Mbit/s down, 675 kbit/s up, 562.5 ms RTT), CPU 4x slower",
    runs,
    page_files_bytes: pageFiles.reduce((a, b) => a + b, 0),
    first_load_bytes_median: median(results.first_load_bytes),
    form_ready_ms_median: median(results.form_ready_ms),
    submit_two_photos_ms_median: median(results.submit_two_photos_ms),
    ...results,
  }),
);
