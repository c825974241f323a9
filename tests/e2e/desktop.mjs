// A minimal W3C WebDriver client (Node's fetch), enough to drive the FieldOps desktop app
// through tauri-driver. Exits non-zero with a reason when any step fails.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    driver: { type: "string" },
    app: { type: "string" },
    "server-bin": { type: "string" },
    database: { type: "string" },
    "server-pid": { type: "string" },
    "server-port": { type: "string" },
    screenshot: { type: "string" },
    // A benchmark instead of the test: after one sign-in, restart the app this many times and
    // print how long each took from launch to the technician's order list on screen.
    "cold-starts": { type: "string" },
  },
});

const ORDER_TEXT = "冷水机组压缩机异响"; // demo order dispatched to zhang.wei, not yet accepted
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function wd(method, path, body) {
  const res = await fetch(`${args.driver}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}

async function until(what, fn, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(300);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

/** Launch the app (a WebDriver session); ending the session closes the app. */
const launch = async () =>
  (await wd("POST", "/session", { capabilities: { alwaysMatch: { "tauri:options": { application: args.app } } } })).sessionId;
let sid = await launch();
let server = null;
const s = (p) => `/session/${sid}${p}`;
const find = (xpath) => wd("POST", s("/element"), { using: "xpath", value: xpath }).then((e) => Object.values(e)[0]);
const click = async (xpath) => wd("POST", s(`/element/${await until(xpath, () => find(xpath))}/click`), {});
const type = async (xpath, text) => {
  const el = await until(xpath, () => find(xpath));
  await wd("POST", s(`/element/${el}/clear`), {});
  await wd("POST", s(`/element/${el}/value`), { text });
};
const text = async (xpath) => wd("GET", s(`/element/${await find(xpath)}/text`));

let failed = null;
if (args["cold-starts"]) {
  try {
    await coldStarts(Number(args["cold-starts"]));
  } finally {
    await wd("DELETE", s("")).catch(() => undefined);
  }
  process.exit(0);
}
try {
  await type("//input[@name='tenant']", "demo");
  await type("//input[@name='login']", "zhang.wei");
  await type("//input[@name='password']", "fieldops-demo");
  await click("//button[@type='submit']");
  console.log("signed in through the login screen");

  const card = `//button[contains(., '${ORDER_TEXT}')]`;
  await until("the dispatched demo order on the technician's list", () => find(card), 30000);
  await click(card);
  // The demo order names the customer's chiller: it came along with the order.
  await until("the order's machine", async () => (await text("//*[@data-testid='order-machines']")).includes("2 号冷水机组"));
  console.log("the order shows the machine it names (synced with it)");
  await click("//button[normalize-space(.)='Accept' or normalize-space(.)='签收']");
  await until("the order to show as accepted", async () => /Accepted|已签收/.test(await text("//header[contains(@class,'detail-head')]")));
  console.log("accepted the order in the UI");

  await click("//button[normalize-space(.)='Check in' or normalize-space(.)='签到']");
  await until("the order to show on site", async () => /On site|在现场/.test(await text("//header[contains(@class,'detail-head')]")));
  await until("the check-in's geofence verdict", async () => /on site, 3\d m from the site/.test(await text("//*[@data-testid='fence']")));
  console.log("checked in with the device position, verified inside the site's geofence");
  await until("the check-in's place in words", async () => (await text("//*[@data-testid='place']")).includes("深圳创新暖通工程"));
  console.log("the check-in is named after the known customer site");
  await until("the order's map with the site and the check-in", () => find("//*[@data-testid='map' and @data-points='2']//*[contains(@class,'leaflet-control-scale')]"), 20000);
  console.log("the order's map shows the site and the check-in (Leaflet in the webview)");
  // The knowledge base on the device offers the demo's fault entry for this chiller's noise.
  const fix = "//section[@data-testid='solutions']//li[contains(., '压缩机异响')]//button[normalize-space(.)='This fixed it' or normalize-space(.)='用此方案解决']";
  await until("the fault entry among the order's possible solutions", () => find(fix), 20000);
  await click(fix);
  await until("the entry marked as the fix", async () => (await text("//*[@data-testid='fixed-with']")).includes("压缩机异响"));
  console.log("marked the knowledge base's fault entry as the one that fixed the order");
  for (const item of ["Fault confirmed", "Root cause found", "Repair verified"]) {
    // The item shows in the screen's language; its full bilingual label is its title.
    const box = `//label[.//span[contains(@title, '${item}')]]/input`;
    await click(box);
    await until(`'${item}' ticked`, async () => wd("GET", s(`/element/${await find(box)}/selected`)));
  }
  await click("//div[@data-testid='actions']/button[normalize-space(.)='Complete' or normalize-space(.)='完工']");
  await type("//div[contains(@class,'inline-form')]//textarea", "Replaced compressor valve; noise gone");
  await click("//div[contains(@class,'inline-form')]//button[normalize-space(.)='Complete' or normalize-space(.)='完工']");
  await until("the order to show as completed", async () => /Completed|已完工/.test(await text("//header[contains(@class,'detail-head')]")));
  console.log("completed the order in the UI after ticking the required checklist");

  // The app syncs on its own after a local change; the server must end up with the completion.
  const serverOrder = () => {
    const out = execFileSync(args["server-bin"], ["orders", "--tenant", "demo", "--database", args.database], { encoding: "utf8" });
    return out.split("\n").filter(Boolean).map((l) => JSON.parse(l)).find((o) => o.description.includes(ORDER_TEXT));
  };
  await until("the server to record the completion", () => serverOrder()?.status === "completed", 30000);
  const kinds = serverOrder().events.map((e) => e.kind).join(",");
  if (kinds !== "created,dispatched,accepted,checked_in,fixed_with,completed") throw new Error(`server events: ${kinds}`);
  console.log("the server has the completed order with every event");

  // The service report, made on the device: a PDF whose Chinese text extracts.
  await click("//button[normalize-space(.)='Service report (PDF)' or normalize-space(.)='服务报告（PDF）']");
  const saved = await until("the report to be saved", async () => text("//*[@data-testid='report-saved']"));
  const path = saved.replace(/^[^:：]*[:：]\s*/, "").trim();
  const pdfText = execFileSync("pdftotext", [path, "-"], { encoding: "utf8" });
  if (!pdfText.includes(ORDER_TEXT) || !pdfText.includes("服务报告")) throw new Error(`report text: ${pdfText.slice(0, 300)}`);
  console.log(`the service report PDF (${path}) contains the order's Chinese text`);
  // The preview renders that PDF in the app's own webview (pdf.js worker under the app's CSP).
  await until("the report preview to render a page", () => find("//*[@data-testid='report-pages' and number(@data-pages) >= 1]/canvas"), 30000);
  console.log("the report preview rendered the PDF's page in the webview");
  await until("the sync bar to show everything sent", async () => /All changes sent|所有更改已发送/.test(await text("//*[@data-testid='pending']")));

  // No network, and the app restarts (here no secure store kept the token): it opens on the
  // technician's local orders, and work goes on.
  process.kill(Number(args["server-pid"]), "SIGKILL");
  await wd("DELETE", s(""));
  sid = await launch();
  await until("the local orders after the restart", () => find(card), 30000);
  const resume = "//form[@data-testid='resume-sync']";
  await until("the offer to sign in to sync", () => find(resume));
  console.log("restarted offline: the app opened on the local orders");
  await click("//button[normalize-space(.)='Clock in' or normalize-space(.)='上班打卡']");
  await until("the offline clock-in to wait to be sent", async () => /1 waiting to send|1 项待发送/.test(await text("//*[@data-testid='pending']")));
  console.log("clocked in offline; the change waits");
  server = spawn(args["server-bin"], ["serve", "--listen", `127.0.0.1:${args["server-port"]}`, "--database", args.database], { stdio: "ignore" });
  await until("the server to answer again", async () => (await fetch(`http://127.0.0.1:${args["server-port"]}/healthz`)).ok);
  await type(`${resume}//input[@type='password']`, "fieldops-demo");
  await click(`${resume}//button[@type='submit']`);
  await until("the offline work to reach the server", async () => /All changes sent|所有更改已发送/.test(await text("//*[@data-testid='pending']")), 30000);
  console.log("the password alone brought sync back: the offline clock-in reached the server");

  // The supervisor counts the central warehouse: one part is one short, booked as an adjustment
  // through the app's own stock-take command.
  await click("//button[normalize-space(.)='Sign out' or normalize-space(.)='退出登录']");
  await type("//input[@name='tenant']", "demo");
  await type("//input[@name='login']", "chen.jing");
  await type("//input[@name='password']", "fieldops-demo");
  await click("//button[@type='submit']");

  // The supervisor's home is the dashboard: the repair completed above is counted; a click on
  // the completed tile lists it; the exported workbook opens in LibreOffice with
  // the same count.
  const completedTile = "//*[@data-testid='tile-completed']//button";
  await until("the completed repair on the dashboard", async () => parseInt(await text(completedTile), 10) >= 1, 30000);
  const completedCount = parseInt(await text(completedTile), 10);
  // The tile lists its orders (the chart's bars do the same; Playwright clicks those: in the
  // webview's SVG the first path of the series' colour can be the legend's, which hides it).
  await click(completedTile);
  await until("the completed repair listed from the dashboard", async () => (await text("//*[@role='region'][.//li]")).includes(ORDER_TEXT), 20000);
  await click("//button[normalize-space(.)='Export XLSX' or normalize-space(.)='导出 XLSX']");
  const workbook = await until("the workbook saved", async () => (await text("//*[@data-testid='stats-saved']")).match(/(\/\S+\.xlsx)/)?.[1]);
  const lo = mkdtempSync(join(tmpdir(), "fieldops-lo-"));
  execFileSync("libreoffice", [`-env:UserInstallation=file://${lo}/profile`, "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", lo, workbook], { stdio: "ignore" });
  const summary = readFileSync(join(lo, basename(workbook).replace(/\.xlsx$/, ".csv")), "utf8");
  rmSync(lo, { recursive: true, force: true });
  if (!summary.split("\n").some((l) => l.replaceAll('"', "").startsWith(`完成 Completed,${completedCount},`))) {
    throw new Error(`the exported workbook should count ${completedCount} completed: ${summary}`);
  }
  console.log(`the supervisor's dashboard lists the completed repair from its tile; the workbook says ${completedCount} completed`);

  await click("//*[@role='tab' and (normalize-space(.)='Parts' or normalize-space(.)='备件')]");
  await click("//button[normalize-space(.)='Stock' or normalize-space(.)='库存']");
  await click("//button[normalize-space(.)='Stock-take' or normalize-space(.)='盘点']");
  const row = "//table[@aria-label='Count sheet' or @aria-label='盘点表']/tbody/tr[1]";
  await until("the count sheet of the warehouse", () => find(`${row}/td[3]`), 30000);
  const sku = (await text(`${row}/td[1]`)).trim();
  const known = parseInt(await text(`${row}/td[3]`), 10);
  if (!(known > 0)) throw new Error(`the demo warehouse should hold ${sku}: ${known}`);
  await type(`${row}//input`, String(known - 1));
  await click("//button[normalize-space(.)='Apply the count' or normalize-space(.)='确认盘点']");
  const result = "//table[@aria-label='Stock-take result' or @aria-label='盘点结果']/tbody/tr[1]";
  await until("the stock-take's result", async () => (await text(`${result}/td[4]`)).trim() === "-1");
  const level = `//table[@aria-label='Stock levels' or @aria-label='库存数量']//tr[td[1][normalize-space(.)='${sku}']]/td[3]`;
  await until(`${sku}'s level after the count`, async () => parseInt(await text(level), 10) === known - 1);
  console.log(`the supervisor's stock-take booked ${sku} one short (${known} -> ${known - 1})`);
  await until("the sync bar to show the count sent", async () => /All changes sent|所有更改已发送/.test(await text("//*[@data-testid='pending']")), 30000);

  // The knowledge base: the supervisor finds the fault entry and sees the fix counted.
  await click("//*[@role='tab' and (normalize-space(.)='Knowledge base' or normalize-space(.)='知识库')]");
  await type("//input[@type='search']", "异响");
  const hit = "//ul[contains(@class,'kb-hits')]//button[contains(., '压缩机异响')]";
  await until("the fault entry found by a two-character query", () => find(hit), 20000);
  await click(hit);
  await until("the entry's count of fixes", async () => /fixed 1 order|已解决 1 个工单/.test(await text("//*[@data-testid='fix-count']")), 30000);
  console.log("the supervisor's knowledge base counts the order the entry fixed");

  // The demo's quarterly inspection is due within the week: the supervisor's alerts show it,
  // and its order (made here, or already by the server ahead of time) opens from the alert.
  await click("//*[@role='tab' and (normalize-space(.)='Alerts' or normalize-space(.)='预警')]");
  const inspection = "//li[@data-testid='alert'][contains(., '季度巡检')]";
  await until("the demo inspection's alert", () => find(inspection), 30000);
  const make = `${inspection}//button[normalize-space(.)='Create order' or normalize-space(.)='生成工单']`;
  if (await find(make).catch(() => null)) await click(make);
  const opens = `${inspection}//button[starts-with(normalize-space(.), 'Open ') or starts-with(normalize-space(.), '打开')]`;
  await until("the inspection's order to open from the alert", () => find(opens), 30000);
  console.log("the supervisor's alerts show the demo inspection due, with its order");
  if (args.screenshot) {
    writeFileSync(args.screenshot, Buffer.from(await wd("GET", s("/screenshot")), "base64"));
  }
} catch (e) {
  failed = e;
  if (args.screenshot) {
    const shot = await wd("GET", s("/screenshot")).catch(() => null);
    if (shot) writeFileSync(args.screenshot.replace(/\.png$/, "-failure.png"), Buffer.from(shot, "base64"));
  }
} finally {
  await wd("DELETE", s("")).catch(() => undefined);
  server?.kill("SIGKILL");
}
if (failed) {
  console.error(`desktop e2e failed: ${failed.message}`);
  process.exit(1);
}
console.log("1 passed, 0 failed");

/** Launch to the order list, `runs` times after a first sign-in and sync (JSON on stdout). */
async function coldStarts(runs) {
  await type("//input[@name='tenant']", "demo");
  await type("//input[@name='login']", "zhang.wei");
  await type("//input[@name='password']", "fieldops-demo");
  await click("//button[@type='submit']");
  const card = `//button[contains(., '${ORDER_TEXT}')]`;
  await until("the technician's orders after the first sync", () => find(card), 30000);
  const ms = [];
  for (let i = 0; i < runs; i++) {
    await wd("DELETE", s(""));
    const t0 = performance.now();
    sid = await launch();
    const launched = performance.now() - t0;
    // Polled every 10 ms: the figure is at most that late.
    for (;;) {
      if (await find(card).catch(() => null)) break;
      if (performance.now() - t0 > 30000) throw new Error("the order list did not show within 30 s");
      await sleep(10);
    }
    ms.push({ to_order_list: performance.now() - t0, webdriver_session: launched });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(JSON.stringify({
    bench: "desktop app: launch (WebDriver session) to the technician's order list on screen, signed in, data on the device",
    app: args.app,
    runs,
    median_ms: median(ms.map((m) => m.to_order_list)),
    median_session_ms: median(ms.map((m) => m.webdriver_session)),
    each: ms.map((m) => Math.round(m.to_order_list)),
  }, null, 2));
}
