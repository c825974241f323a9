import type { Page } from "@playwright/test";
import { expect, setPosition, test } from "./stack";
import { createCustomer, drawnPicture, orderForZhangWei, signIn } from "./steps";

// Each test runs against its own real stack (see stack.ts): a sync server with the demo
// company's people and a device store behind the development bridge.
/** With the new-order form open: an order for `customer`, dispatched to 张伟 and synced; then sign out. */
async function dispatchToZhangWei(page: Page, customer: string, description: string) {
  await orderForZhangWei(page, customer, description);
  await sendAll(page);
  await signOut(page);
}

/** The server numbers orders per month (UTC): the first order of a fresh company this month. */
const firstNumber = `WO-${new Date().toISOString().slice(0, 7).replace("-", "")}-0001`;

/** Sync now and wait until the server has every change: only then may another person use the device. */
async function sendAll(page: Page) {
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByTestId("pending")).toHaveText("All changes sent");
}

async function signOut(page: Page) {
  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
}

test("login refuses a wrong password with the server's words", async ({ page }) => {
  await page.getByLabel("Login").fill("chen.jing");
  await page.getByLabel("Password").fill("nope");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("wrong company, login or password");
  // An address typed without its scheme is explained, with the fix.
  const server = await page.getByLabel("Server address").inputValue();
  await page.getByLabel("Server address").fill(server.replace("http://", ""));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText(`Start the server address with http:// or https://, for example https://${server.replace("http://", "")} (your administrator knows which).`);
});

test("a restart without network opens the local data; the password alone brings sync back", async ({ page, stack }) => {
  await signIn(page, "chen.jing");
  await createCustomer(page, "华东医疗设备", "张江工厂", "31.2036", "121.5906");
  const oform = page.getByRole("form", { name: "New order" });
  await oform.getByLabel("Customer").selectOption({ label: "华东医疗设备" });
  await oform.getByLabel("Description").fill("Chiller alarm E21");
  await oform.getByRole("button", { name: "Create" }).click();
  await expect(page.locator(".detail-head .status")).toHaveText("New");
  await sendAll(page);
  // The network goes, then the app restarts: the bridge, like a tablet without a secure
  // store, kept its token in memory only.
  await stack.stopServer();
  const restarted = await stack.restartDevice("device-a");
  await page.goto(`/?bridge=${encodeURIComponent(restarted)}`);
  await expect(page.getByTestId("user")).toContainText("陈静 Chen Jing");
  // The home's figures come from the local data, offline: the order is open.
  await expect(page.getByTestId("tile-open")).toContainText("1");
  await page.getByRole("tab", { name: "Orders" }).click();
  await expect(page.getByText("Chiller alarm E21").first()).toBeVisible();
  const resume = page.getByRole("form", { name: "Sign in to sync" });
  await expect(resume).toContainText("Your work is kept on this device");
  // Work goes on offline and waits.
  await createCustomer(page, "深圳创新暖通工程", "南山机房", "22.5336", "113.9303");
  await oform.getByLabel("Customer").selectOption({ label: "深圳创新暖通工程" });
  await oform.getByLabel("Description").fill("Cooling tower fan noise");
  await oform.getByRole("button", { name: "Create" }).click();
  await expect(page.locator(".detail-head .status")).toHaveText("New");
  await expect(page.getByTestId("pending")).toHaveText("2 waiting to send");
  await page.screenshot({ path: "test-results/resume-sync.png" });
  // The network is back: the password alone (server, company and login are known) syncs.
  await stack.startServer();
  await resume.getByLabel("Password").fill("fieldops-demo");
  await resume.getByRole("button", { name: "Sign in to sync" }).click();
  await expect(resume).toBeHidden();
  await expect(page.getByTestId("pending")).toHaveText("All changes sent");
});

test("a slow location service holds nothing up: the technician types the position meanwhile", { tag: "@field" }, async ({ page, bridge }) => {
  await signIn(page, "zhang.wei");
  await setPosition(bridge, { lat: 31.2304, lon: 121.4737 }, 6000);
  await page.getByRole("button", { name: "Clock in" }).click();
  const locating = page.getByTestId("locating");
  await expect(locating).toContainText("Getting the device's position");
  // The app answers other requests while the position is being looked for.
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByRole("button", { name: "Sync now" })).toBeEnabled();
  await expect(locating).toBeVisible();
  await locating.getByRole("button", { name: "Type it instead" }).click();
  const ask = page.getByRole("group", { name: "Position for this step" });
  await expect(ask.getByTestId("no-position")).toHaveCount(0);
  await ask.getByLabel("Latitude").fill("31.2304");
  await ask.getByLabel("Longitude").fill("121.4737");
  await ask.getByRole("button", { name: "Record with this position" }).click();
  await expect(page.getByTestId("clock-state")).toContainText("Clocked in since");
  await expect(ask).toBeHidden();
});

/** Whether anything sticks out past the right edge of the window (the page scrolls sideways). */
async function overflowsSideways(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > width + 1) out.push(`page ${document.documentElement.scrollWidth} > ${width}`);
    return out;
  });
}

test("field views fit a tablet and a phone; the supervisor's fit a landscape tablet", async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await signIn(page, "chen.jing");
  await createCustomer(page, "上海华东医疗设备有限公司", "张江工厂", "31.2036", "121.5906");
  await orderForZhangWei(page, "上海华东医疗设备有限公司", "Chiller compressor noise at start-up, alarm E21 twice a day");
  for (const size of [{ width: 1024, height: 768 }, { width: 768, height: 1024 }]) {
    await page.setViewportSize(size);
    for (const tab of ["Orders", "Dispatch board", "Attendance", "Parts", "Settlement", "Business records", "Equipment", "Projects"]) {
      await page.getByRole("tab", { name: tab }).click();
      await expect(page.getByRole("tab", { name: tab })).toHaveAttribute("aria-selected", "true");
      expect(await overflowsSideways(page), `${tab} at ${size.width}`).toEqual([]);
    }
    await page.screenshot({ path: `test-results/supervisor-${size.width}.png` });
  }
  await page.getByRole("tab", { name: "Orders" }).click();
  await sendAll(page);
  await signOut(page);
  await signIn(page, "zhang.wei");
  for (const size of [{ width: 768, height: 1024 }, { width: 360, height: 800 }]) {
    await page.setViewportSize(size);
    await expect(page.getByRole("button", { name: /上海华东医疗设备有限公司/ })).toBeVisible();
    expect(await overflowsSideways(page), `order list at ${size.width}`).toEqual([]);
    await page.getByRole("button", { name: /上海华东医疗设备有限公司/ }).click();
    await expect(page.locator(".detail-head .status")).toBeVisible();
    expect(await overflowsSideways(page), `order at ${size.width}`).toEqual([]);
    await page.screenshot({ path: `test-results/field-${size.width}.png`, fullPage: true });
    // Touch targets: every button of the field view at least 44 px high.
    const small = await page.locator("button:visible").evaluateAll((els) =>
      els.filter((e) => e.getBoundingClientRect().height < 44).map((e) => `${e.textContent?.trim()} ${Math.round(e.getBoundingClientRect().height)}px`),
    );
    expect(small, `small buttons at ${size.width}`).toEqual([]);
    await page.getByRole("button", { name: /Back/ }).click();
  }
});

/** Header cells of the order list cut off by its pane, and badges that wrap to a second line. */
async function cutColumns(page: Page, keyOnly: boolean, keys = [0, 1, 4]): Promise<string[]> {
  return page.evaluate(([keyOnly, keys]) => {
    const pane = document.querySelector(".list-pane")!.getBoundingClientRect();
    const out: string[] = [];
    const cells = [...document.querySelectorAll("table.orders th")];
    cells.forEach((th, i) => {
      // Keyed by position: in the order list number, customer and status must always show.
      if (keyOnly && !keys.includes(i)) return;
      const r = th.getBoundingClientRect();
      if (r.right > pane.right + 1 || r.left < pane.left - 1) out.push(`column ${th.textContent} cut`);
    });
    for (const b of document.querySelectorAll("table.orders .status, .detail-head .status")) {
      if (b.getBoundingClientRect().height > 30) out.push(`badge ${b.textContent} wraps`);
    }
    for (const th of cells) if (th.getBoundingClientRect().height > 40) out.push(`header ${th.textContent} wraps`);
    return out;
  }, [keyOnly, keys] as const);
}

test("the supervisor's list has the whole width until something opens; no column cut, no badge wrapped, in both languages", async ({ page }) => {
  await signIn(page, "chen.jing");
  await createCustomer(page, "上海华东医疗设备有限公司", "张江工厂", "31.2036", "121.5906");
  await orderForZhangWei(page, "上海华东医疗设备有限公司", "Chiller compressor noise at start-up");
  // Cancelling sits at the end of the order, not first among its next steps.
  await expect(page.getByTestId("actions").getByRole("button", { name: "Cancel order" })).toHaveCount(0);
  await expect(page.locator(".detail .actions.end").getByRole("button", { name: "Cancel order" })).toBeVisible();
  for (const lang of ["English", "中文"]) {
    if (lang === "中文") await page.getByRole("button", { name: "中文" }).click();
    for (const size of [{ width: 1280, height: 800 }, { width: 1024, height: 768 }, { width: 1600, height: 1000 }]) {
      await page.setViewportSize(size);
      // The side pane closes with its ×; the list then has the whole width.
      await page.locator(".close-pane").click();
      await expect(page.locator(".side-pane")).toHaveCount(0);
      expect(await cutColumns(page, false), `${lang} ${size.width}, list alone`).toEqual([]);
      await page.locator("table.orders tbody tr").first().click();
      await expect(page.locator(".side-pane .detail-head")).toBeVisible();
      // Beside an open order every column shows from 1280 up; narrower, the list scrolls
      // sideways and keeps its key columns in view.
      expect(await cutColumns(page, size.width < 1280), `${lang} ${size.width}, with the order open`).toEqual([]);
      expect(await overflowsSideways(page), `${lang} ${size.width}`).toEqual([]);
      await page.screenshot({ path: `test-results/supervisor-layout-${lang === "中文" ? "zh" : "en"}-${size.width}.png` });
      // The other lists, alone: every column from 1280 up; narrower, the first two stay in view.
      const orders = page.getByRole("tab", { name: lang === "中文" ? "工单" : "Orders", exact: true });
      await page.locator(".close-pane").click();
      for (const other of lang === "中文" ? ["考勤", "业务记录", "客户"] : ["Attendance", "Business records", "Customers"]) {
        await page.getByRole("tab", { name: other, exact: true }).click();
        await expect(page.locator("table.orders")).toBeVisible();
        expect(await cutColumns(page, size.width < 1280, [0, 1]), `${lang} ${size.width}, ${other}`).toEqual([]);
        expect(await overflowsSideways(page), `${lang} ${size.width}, ${other}`).toEqual([]);
      }
      await orders.click();
      await page.locator("table.orders tbody tr").first().click();
    }
  }
  // The pane is resized on its left edge, by mouse or arrow keys, and keeps its width.
  await page.setViewportSize({ width: 1280, height: 800 });
  const paneWidth = async () => (await page.locator(".side-pane").boundingBox())!.width;
  const before = await paneWidth();
  const edge = (await page.locator(".pane-resizer").boundingBox())!;
  await page.mouse.move(edge.x + edge.width / 2, edge.y + 100);
  await page.mouse.down();
  await page.mouse.move(edge.x - 150, edge.y + 100, { steps: 5 });
  await page.mouse.up();
  expect(await paneWidth()).toBeGreaterThan(before + 120);
  const wider = await paneWidth();
  await page.locator(".pane-resizer").focus();
  await page.keyboard.press("ArrowRight");
  expect(await paneWidth()).toBeLessThan(wider - 10);
  expect(await cutColumns(page, true), "a wide pane keeps the list's key columns").toEqual([]);
  const kept = await paneWidth();
  await page.reload();
  await page.getByRole("tab", { name: /Orders|工单/ }).first().click();
  await page.locator("table.orders tbody tr").first().click();
  await expect(page.locator(".side-pane .detail-head")).toBeVisible();
  // Kept with the device's data (the core), not the browser's.
  await expect.poll(async () => Math.abs((await paneWidth()) - kept)).toBeLessThan(2);
});

test("supervisor creates and dispatches; technician accepts; offline banner and pending count", async ({ page, stack }) => {
  await signIn(page, "chen.jing");
  await createCustomer(page, "深圳创新暖通工程", "南山机房", "22.5333", "113.9304");

  const oform = page.getByRole("form", { name: "New order" });
  await oform.getByLabel("Customer").selectOption({ label: "深圳创新暖通工程" });
  await oform.getByLabel("Type").selectOption("maintenance");
  await oform.getByLabel("Priority").selectOption("urgent");
  await oform.getByLabel("Description").fill("冷水机组压缩机异响 chiller noise");
  await oform.getByRole("button", { name: "Create" }).click();

  await page.getByLabel("张伟 Zhang Wei").check();
  await page.getByRole("button", { name: "Dispatch" }).click();
  await expect(page.getByTestId("assignees")).toHaveText("张伟 Zhang Wei");
  await expect(page.getByRole("row").nth(1)).toContainText("Dispatched");
  await page.screenshot({ path: "test-results/supervisor.png", fullPage: true });

  // Filters: status and free text.
  await page.getByLabel("Status").selectOption("new");
  await expect(page.getByText("No orders match.")).toBeVisible();
  await page.getByLabel("Status").selectOption("");
  await page.getByLabel("Search orders, customers…").fill("chiller");
  await expect(page.getByRole("row")).toHaveCount(2);
  await sendAll(page);
  await signOut(page);

  // The technician, offline: accepting still works and waits to be sent.
  await signIn(page, "zhang.wei");
  await stack.stopServer();
  // Offline is said once, calmly, from the first failed request: since when, and what waits.
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByTestId("sync-state")).toContainText("Offline since");
  await expect(page.getByTestId("syncbar")).toHaveAttribute("data-state", "offline");
  await page.getByRole("button", { name: /深圳创新暖通工程/ }).click();
  await page.getByRole("button", { name: "Accept" }).click();
  await expect(page.locator(".detail-head .status")).toHaveText("Accepted");
  await expect(page.getByTestId("pending")).toHaveText("1 waiting to send");
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByTestId("sync-state")).toContainText("Offline since");
  await expect(page.getByTestId("sync-error")).toHaveCount(0);
  await page.screenshot({ path: "test-results/technician-offline.png", fullPage: true });
  await stack.startServer();
  // The tablet's network comes back: the app syncs at once.
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await expect(page.getByTestId("sync-state")).toHaveText("Online");
  await expect(page.getByTestId("pending")).toHaveText("All changes sent");
  // The operating system saying the network is gone is enough to say so at once.
  await page.evaluate(() => window.dispatchEvent(new Event("offline")));
  await expect(page.getByTestId("syncbar")).toHaveAttribute("data-state", "offline");
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await expect(page.getByTestId("sync-state")).toHaveText("Online");
  // The top bar keeps to one row on a landscape tablet, in both languages.
  await page.setViewportSize({ width: 1024, height: 768 });
  for (const lang of ["中文", "English"]) {
    const bar = (await page.locator(".topbar").boundingBox())!;
    expect(bar.height).toBeLessThan(64);
    await page.getByRole("button", { name: lang }).click();
  }
});

test("language switches at runtime and is remembered", async ({ page }) => {
  await signIn(page, "chen.jing");
  await page.getByTestId("language").click();
  await expect(page.getByRole("button", { name: "+ 新建工单" })).toBeVisible();
  await expect(page.getByRole("button", { name: "退出登录" })).toBeVisible();
  // A field the core refuses is named, with what to do, in the person's language.
  await page.getByRole("button", { name: "+ 新建客户" }).click();
  const form = page.getByRole("form", { name: "新建客户" });
  // Blanks pass the browser's own "required" check; the core still refuses them.
  await form.getByLabel("客户").fill("   ");
  await form.getByLabel("地点名称").fill("机房");
  await form.getByLabel("纬度").fill("31.2");
  await form.getByLabel("经度").fill("121.5");
  await form.getByRole("button", { name: "创建" }).click();
  await expect(form.getByRole("alert")).toHaveText("请填写“客户名称”。");
  await page.screenshot({ path: "test-results/field-error-zh.png" });
  await page.reload();
  await expect(page.getByRole("button", { name: "登录" })).toBeVisible();
});

test("technician works an order to completion; supervisor costs and settles it", { tag: "@field" }, async ({ page, bridge, stack }) => {
  await signIn(page, "chen.jing");
  await createCustomer(page, "杭州西湖数据中心", "A 栋", "30.2741", "120.1551");
  const oform = page.getByRole("form", { name: "New order" });
  await oform.getByLabel("Customer").selectOption({ label: "杭州西湖数据中心" });
  await oform.getByLabel("Description").fill("UPS alarm 电池告警");
  // Offline, an order has a provisional number; the server gives the real one when it arrives.
  await stack.stopServer();
  await oform.getByRole("button", { name: "Create" }).click();
  await expect(page.getByTestId("order-number")).toContainText("WO-DRAFT-");
  await page.getByLabel("张伟 Zhang Wei").check();
  await page.getByRole("button", { name: "Dispatch" }).click();
  await stack.startServer();
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByTestId("order-number")).toHaveText(firstNumber);
  await signOut(page);

  await signIn(page, "zhang.wei");
  await page.getByRole("button", { name: /杭州西湖数据中心/ }).click();
  await page.getByRole("button", { name: "Accept" }).click();
  await page.getByRole("button", { name: "Start travel" }).click();
  await setPosition(bridge, { lat: 30.2741, lon: 120.1551 });
  await page.getByRole("button", { name: "Check in" }).click();
  await expect(page.locator(".detail-head .status")).toHaveText("On site");
  // The next step sits at the top: what is still needed, and the check-in's verdict.
  await expect(page.getByTestId("next-step")).toContainText("Still required: Fault confirmed");
  await expect(page.getByTestId("next-step")).toContainText("Checked in:");
  // Completing with open required items is refused with the list of what is missing.
  await page.getByRole("button", { name: "Complete" }).click();
  await expect(page.locator(".inline-form").getByText(/Still required: Fault confirmed/)).toBeVisible();
  await page.getByLabel("What was done").fill("Replaced battery string 2");
  await page.getByRole("button", { name: "Complete" }).last().click();
  await expect(page.getByRole("alert")).toContainText("Tick the required checklist items first: ");
  for (const label of ["Fault confirmed", "Root cause found", "Repair verified"]) {
    await page.getByLabel(label).check();
  }
  await page.getByLabel("Unit price").fill("500");
  await page.getByLabel("Tax %").fill("6");
  await page.getByRole("button", { name: "Add charge" }).click();
  await expect(page.getByTestId("charges-total")).toContainText("530.00");
  await expect(page.getByTestId("next-step")).toContainText("Everything required is done");
  await page.getByRole("button", { name: "Complete" }).first().click();
  await page.getByLabel("What was done").fill("Replaced battery string 2");
  await page.getByRole("button", { name: "Complete" }).last().click();
  await expect(page.locator(".detail-head .status")).toHaveText("Completed");
  await page.getByRole("radio", { name: "4 stars" }).click();
  await page.getByLabel("Customer's comment").fill("快 fast");
  await page.getByRole("button", { name: "Save rating" }).click();
  await expect(page.getByText("★★★★ 快 fast")).toBeVisible();
  await page.getByRole("button", { name: "Service report (PDF)" }).click();
  await expect(page.getByTestId("report-saved")).toContainText(`${firstNumber}.pdf`);
  // The preview renders the PDF itself (pdf.js onto a canvas), not a look-alike.
  await expect(page.getByTestId("report-pages")).toHaveAttribute("data-pages", "1");
  await expect(page.getByTestId("report-pages").locator("canvas")).toHaveCount(1);
  await page.screenshot({ path: "test-results/technician-completed.png", fullPage: true });
  await sendAll(page);
  await signOut(page);

  await signIn(page, "chen.jing");
  await page.getByRole("row", { name: /杭州西湖数据中心/ }).click();
  await page.getByLabel("Unit cost").fill("120");
  await page.getByRole("button", { name: "Add cost" }).click();
  await expect(page.getByTestId("gross-profit")).toContainText("380.00");
  await page.getByRole("button", { name: "Settle" }).click();
  await expect(page.locator(".detail-head .status")).toHaveText("Settled");
  await page.screenshot({ path: "test-results/supervisor-settled.png", fullPage: true });

  await page.getByRole("tab", { name: "Settlement" }).click();
  await expect(page.getByTestId("settlement-profit")).toContainText("380.00");
  await page.getByRole("tab", { name: "Business records" }).click();
  const records = page.getByRole("table", { name: "Business records" });
  await expect(records.getByRole("row")).toHaveCount(2);
  await page.getByLabel(/Search records/).fill("电池");
  await expect(records.getByRole("row").nth(1)).toContainText(firstNumber);
  await page.getByLabel(/Search records/).fill("no such words");
  await expect(page.getByText("No business records match.")).toBeVisible();
  await page.getByLabel(/Search records/).fill("battery");
  await page.getByLabel("Type").selectOption("repair");
  await expect(records.getByRole("row").nth(1)).toContainText("Repair record");
  await page.screenshot({ path: "test-results/records.png", fullPage: true });
});

test("the schedule board: drag an order onto a technician at a time, move it, reassign it from the keyboard", async ({ page }) => {
  await signIn(page, "chen.jing");
  await createCustomer(page, "广州白云制冷设备", "白云仓库", "23.1291", "113.2644");
  const oform = page.getByRole("form", { name: "New order" });
  await oform.getByLabel("Customer").selectOption({ label: "广州白云制冷设备" });
  await oform.getByLabel("Description").fill("冷库温度偏高");
  await oform.getByRole("button", { name: "Create" }).click();

  await page.getByRole("tab", { name: "Dispatch board" }).click();
  const unassigned = page.getByRole("region", { name: "Unassigned" });
  const zhang = page.getByRole("region", { name: "张伟 Zhang Wei" });
  const li = page.getByRole("region", { name: "李娜 Li Na" });
  await expect(unassigned.getByText("广州白云制冷设备")).toBeVisible();
  await expect(unassigned).toContainText("no time yet");
  await expect(zhang.getByTestId("load")).toHaveText("0 h of 10 h (0%)");
  await expect(zhang.getByTestId("next-free")).toContainText("Next free:");
  // Dropped half-way along 张伟's working day (08:00–18:00): planned for 13:00, its type's duration.
  const lane = zhang.locator(".schedule-lane");
  const box = (await lane.boundingBox())!;
  await unassigned.locator(".board-card").first().dragTo(lane, { targetPosition: { x: box.width / 2, y: box.height / 2 } });
  const block = zhang.locator(".board-card.block");
  await expect(block).toContainText("广州白云制冷设备");
  await expect(block).toContainText("13:00–");
  await expect(unassigned.locator(".board-card")).toHaveCount(0);
  await expect(zhang.getByTestId("load")).not.toHaveText("0 h of 10 h (0%)");
  // Moved along the row to 09:00 (a tenth of the day).
  await block.dragTo(lane, { sourcePosition: { x: 4, y: 10 }, targetPosition: { x: box.width / 10 + 4, y: box.height / 2 } });
  await expect(block).toContainText("09:00–");
  // Keyboard path: the block's list reassigns it; it keeps its time.
  await zhang.getByLabel(/Dispatch to/).selectOption({ label: "李娜 Li Na" });
  await expect(li.locator(".board-card.block")).toContainText("09:00–");
  await expect(zhang.locator(".board-card.block")).toHaveCount(0);
  await page.screenshot({ path: "test-results/board.png", fullPage: true });
  // The order itself says who.
  await li.locator(".board-card.block").getByRole("button", { name: "广州白云制冷设备" }).click();
  await expect(page.getByTestId("assignees")).toHaveText("李娜 Li Na");
  // The week: the same block, on today's column.
  await page.getByRole("group", { name: "Days shown" }).getByRole("button", { name: "Week" }).click();
  await expect(li.locator(".board-card.block")).toContainText("广州白云制冷设备");
  await expect(page.locator(".schedule-axis .tick")).toHaveCount(7);
  await page.screenshot({ path: "test-results/board-week.png", fullPage: true });
});

test("an installation needs the customer's signature, drawn on the pad", { tag: "@field" }, async ({ page, bridge }) => {
  await signIn(page, "chen.jing");
  await createCustomer(page, "北京精工仪器厂", "亦庄", "39.7953", "116.506");
  const oform = page.getByRole("form", { name: "New order" });
  await oform.getByLabel("Customer").selectOption({ label: "北京精工仪器厂" });
  await oform.getByLabel("Type").selectOption("installation");
  await oform.getByLabel("Description").fill("三坐标测量机安装");
  await oform.getByRole("button", { name: "Create" }).click();
  await page.getByLabel("张伟 Zhang Wei").check();
  await page.getByRole("button", { name: "Dispatch" }).click();
  await expect(page.getByTestId("assignees")).toHaveText("张伟 Zhang Wei");
  await sendAll(page);
  await signOut(page);

  await signIn(page, "zhang.wei");
  await page.getByRole("button", { name: /北京精工仪器厂/ }).click();
  await page.getByRole("button", { name: "Accept" }).click();
  await setPosition(bridge, { lat: 39.7953, lon: 116.506 });
  await page.getByRole("button", { name: "Check in" }).click();
  for (const box of await page.locator(".checklist input[type=checkbox]").all()) {
    await box.check();
  }
  await page.getByRole("button", { name: "Complete" }).first().click();
  await expect(page.locator(".inline-form").getByText(/Still required: Customer signature/)).toBeVisible();
  await page.getByRole("button", { name: "Cancel" }).click();
  const pad = page.getByTestId("signature-pad");
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + 20, { steps: 8 });
  await page.mouse.move(box.x + box.width - 20, box.y + box.height - 20, { steps: 8 });
  await page.mouse.up();
  await page.getByLabel("Signed by").fill("王先生");
  await page.getByRole("button", { name: "Save signature" }).click();
  await expect(page.getByTestId("signature-image")).toBeVisible();
  // What the customer signed stays as signed: the checklist and charges are read-only now.
  await expect(page.getByTestId("signed-locked")).toContainText("The customer has signed");
  await expect(page.locator(".checklist input[type=checkbox]").first()).toBeDisabled();
  await expect(page.getByRole("button", { name: "Add charge" })).toHaveCount(0);
  await sendAll(page);
  await signOut(page);

  // The supervisor withdraws the signature (the price was wrong); the customer signs again.
  await signIn(page, "chen.jing");
  await page.getByRole("row", { name: /北京精工仪器厂/ }).click();
  await expect(page.getByTestId("signed-locked")).toContainText("withdraw the signature");
  await page.getByRole("button", { name: "Withdraw signature" }).click();
  await page.getByLabel(/Why the signature is withdrawn/).fill("安装费要改 the fee changes");
  await page.getByRole("button", { name: "Withdraw signature" }).last().click();
  await expect(page.getByText("陈静 Chen Jing withdrew the customer's signature: 安装费要改 the fee changes")).toBeVisible();
  await expect(page.getByTestId("signature-image")).toHaveCount(0);
  await sendAll(page);
  await signOut(page);

  await signIn(page, "zhang.wei");
  await page.getByRole("button", { name: /北京精工仪器厂/ }).click();
  await expect(page.getByTestId("signed-locked")).toHaveCount(0);
  await page.getByLabel("Unit price").fill("800");
  await page.getByRole("button", { name: "Add charge" }).click();
  await expect(page.getByTestId("charges-total")).toContainText("848.00");
  // The customer sees what they sign for right above the pad.
  await expect(page.getByTestId("sign-review")).toContainText(/Checklist: (\d+) of \1 ticked/);
  await expect(page.getByTestId("sign-review")).toContainText("CN¥848.00");
  await pad.scrollIntoViewIfNeeded();
  const again = (await pad.boundingBox())!;
  await page.mouse.move(again.x + 20, again.y + again.height / 2);
  await page.mouse.down();
  await page.mouse.move(again.x + again.width - 20, again.y + 20, { steps: 8 });
  await page.mouse.up();
  await page.getByLabel("Signed by").fill("王先生");
  await page.getByRole("button", { name: "Save signature" }).click();
  await expect(page.getByTestId("signature-image")).toBeVisible();
  await page.getByRole("button", { name: "Complete" }).first().click();
  await page.getByLabel("What was done").fill("Installed and calibrated");
  await page.getByRole("button", { name: "Complete" }).last().click();
  await expect(page.locator(".detail-head .status")).toHaveText("Completed");
  await page.screenshot({ path: "test-results/signature.png", fullPage: true });
  await sendAll(page);
  await signOut(page);

  // No costs were entered: settling asks first, since the whole charge would count as profit.
  await signIn(page, "chen.jing");
  await page.getByRole("row", { name: /北京精工仪器厂/ }).click();
  await expect(page.getByTestId("totals")).toContainText("No costs entered");
  await expect(page.getByTestId("margin")).toHaveText("—");
  await page.getByRole("button", { name: "Settle" }).click();
  await expect(page.getByTestId("settle-without-costs")).toContainText("No costs are recorded for this order");
  await expect(page.locator(".detail-head .status")).toHaveText("Completed");
  await page.getByRole("button", { name: "Settle anyway" }).click();
  await expect(page.locator(".detail-head .status")).toHaveText("Settled");
});

test("an administrator's template shapes the next order's checklist", async ({ page }) => {
  await signIn(page, "admin");
  await page.getByRole("tab", { name: "Order templates" }).click();
  const templates = page.getByRole("region", { name: "Order templates" });
  await templates.getByLabel("Type").selectOption("repair");
  await templates.getByRole("button", { name: "+ Add item" }).click();
  await templates.getByLabel("Checklist 5").fill("Leak test / 检漏");
  await templates.locator(".line-form").nth(4).getByLabel("required").check();
  await templates.getByRole("button", { name: "Save" }).click();
  await expect(templates.getByText("Saved")).toBeVisible();
  const fence = page.getByRole("region", { name: "Default geofence radius of sites (m)" });
  await fence.getByLabel(/Default geofence/).fill("5");
  await fence.getByRole("button", { name: "Save" }).click();
  await expect(fence.getByRole("alert")).toContainText("between 10 m and 50,000 m");
  await fence.getByLabel(/Default geofence/).fill("300");
  await fence.getByRole("button", { name: "Save" }).click();
  await expect(fence.getByLabel(/Default geofence/)).toHaveValue("300");
  await expect(fence.getByRole("button", { name: "Save" })).toBeDisabled();
  const watermark = page.getByRole("checkbox", { name: "Watermark site photos with time, place and order number" });
  await expect(watermark).not.toBeChecked();
  await watermark.check();
  await expect(watermark).toBeChecked();
  // The settings go to the server before the next person signs in on this device.
  await sendAll(page);
  await signOut(page);

  await signIn(page, "chen.jing");
  await expect(page.getByRole("tab", { name: "Order templates" })).toHaveCount(0);
  await createCustomer(page, "Template Co", "HQ", "31", "121");
  const oform = page.getByRole("form", { name: "New order" });
  await oform.getByLabel("Customer").selectOption({ label: "Template Co" });
  await oform.getByLabel("Description").fill("valve leaks");
  await oform.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("region", { name: "Checklist" }).getByText("Leak test", { exact: true })).toBeVisible();
});

test("equipment and projects: create, name them on an order, service history per machine", async ({ page, bridge }) => {
  await signIn(page, "chen.jing");
  await createCustomer(page, "深圳创新暖通工程", "南山机房", "22.5333", "113.9304");
  await page.getByRole("form", { name: "New order" }).getByRole("button", { name: "Cancel" }).click();

  await page.getByRole("tab", { name: "Projects" }).click();
  await page.getByRole("button", { name: "+ New project" }).click();
  const pform = page.getByRole("form", { name: "New project" });
  await pform.getByLabel("Customer").selectOption({ label: "深圳创新暖通工程" });
  await pform.getByLabel("Project name").fill("冷站改造 chiller retrofit");
  await pform.getByLabel("Budget").fill("100000");
  await pform.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("article", { name: "冷站改造 chiller retrofit" })).toBeVisible();

  await page.getByRole("tab", { name: "Equipment" }).click();
  await page.getByRole("button", { name: "+ New equipment" }).click();
  const eform = page.getByRole("form", { name: "New equipment" });
  await eform.getByLabel("Customer").selectOption({ label: "深圳创新暖通工程" });
  await eform.getByLabel("Name on site").fill("2号冷水机组");
  await eform.getByLabel("Model").fill("Carrier 30XA-252");
  await eform.getByLabel("Serial number").fill("CR-30XA-5521");
  await eform.getByLabel("Installed on").fill("2024-06-15");
  await eform.getByLabel("Warranty until").fill("2021-06-14");
  await eform.getByLabel("Project").selectOption({ label: "冷站改造 chiller retrofit" });
  await eform.getByRole("button", { name: "Create" }).click();
  await expect(eform.getByRole("alert")).toContainText("The warranty ends before the installation date: check the dates.");
  await eform.getByLabel("Warranty until").fill("2027-06-14");
  await eform.getByRole("button", { name: "Create" }).click();
  const machine = page.getByRole("article", { name: "2号冷水机组" });
  await expect(machine).toContainText("in warranty");
  await expect(machine.getByTestId("service-history")).toContainText("No completed service yet.");
  await expect(page.getByRole("table", { name: "Equipment" }).getByRole("row")).toHaveCount(2);

  await page.getByRole("tab", { name: "Orders" }).click();
  await page.getByRole("button", { name: "+ New order" }).click();
  const oform = page.getByRole("form", { name: "New order" });
  await oform.getByLabel("Customer").selectOption({ label: "深圳创新暖通工程" });
  await oform.getByLabel(/2号冷水机组/).check();
  await oform.getByLabel("Project").selectOption({ label: "冷站改造 chiller retrofit" });
  await oform.getByLabel("Description").fill("压缩机异响 compressor noise");
  await oform.getByRole("button", { name: "Create" }).click();
  await expect(page.getByTestId("order-machines")).toContainText("CR-30XA-5521");
  await page.getByLabel("张伟 Zhang Wei").check();
  await page.getByRole("button", { name: "Dispatch" }).click();
  await expect(page.getByTestId("assignees")).toHaveText("张伟 Zhang Wei");
  await sendAll(page);
  await signOut(page);

  // The technician scans the machine's serial (typed loosely, as a label reads) and opens its order.
  await signIn(page, "zhang.wei");
  const scan = page.getByRole("form", { name: "Find by code" });
  await scan.getByLabel("Scan or type a code").fill("cr30xa 5521");
  await scan.getByRole("button", { name: "Find" }).click();
  const scanned = page.getByTestId("scan-found");
  await expect(scanned).toContainText("2号冷水机组 · Carrier 30XA-252");
  await page.screenshot({ path: "test-results/scanned-machine.png" });
  await scanned.locator(".order-card").first().click();
  await expect(page.getByTestId("order-machines")).toContainText("2号冷水机组");
  await page.getByRole("button", { name: "Accept" }).click();
  await setPosition(bridge, { lat: 22.5333, lon: 113.9304 });
  await page.getByRole("button", { name: "Check in" }).click();
  for (const label of ["Fault confirmed", "Root cause found", "Repair verified"]) {
    await page.getByLabel(label).check();
  }
  await page.getByRole("button", { name: "Complete" }).first().click();
  await page.getByLabel("What was done").fill("更换压缩机轴承");
  await page.getByRole("button", { name: "Complete" }).last().click();
  await expect(page.locator(".detail-head .status")).toHaveText("Completed");
  await page.getByRole("button", { name: /Service history \(1\)/ }).click();
  await expect(page.getByTestId("service-history")).toContainText("更换压缩机轴承");
  await sendAll(page);
  await signOut(page);

  // Back at the desk: the machine's history and the project's orders show the visit.
  await signIn(page, "chen.jing");
  await page.getByRole("tab", { name: "Equipment" }).click();
  await expect(page.getByRole("table", { name: "Equipment" })).toContainText("1 service, last");
  await page.getByRole("row", { name: /2号冷水机组/ }).click();
  await expect(page.getByRole("article", { name: "2号冷水机组" }).getByTestId("service-history")).toContainText("更换压缩机轴承");
  await page.getByRole("tab", { name: "Projects" }).click();
  await expect(page.getByRole("table", { name: "Projects" })).toContainText("1 order, 0 open");
  await page.getByRole("row", { name: /冷站改造/ }).click();
  await expect(page.getByRole("article", { name: "冷站改造 chiller retrofit" })).toContainText("2号冷水机组");
  await page.screenshot({ path: "test-results/project.png", fullPage: true });
});

test("check-in takes the device position and shows the geofence verdict; without one the technician types it", { tag: "@field" }, async ({ page, bridge }) => {
  await signIn(page, "chen.jing");
  await page.getByRole("button", { name: "+ New customer" }).click();
  const form = page.getByRole("form", { name: "New customer" });
  await form.getByLabel("Customer").fill("上海华东医疗设备有限公司");
  await form.getByLabel("Site name").fill("张江工厂");
  // Said while typing, with an example; a decimal comma is a number too.
  await form.getByLabel("Latitude").fill("31.2.304");
  await expect(form.getByRole("alert")).toHaveText("Type a number, such as 31.2304.");
  await form.getByLabel("Latitude").fill("31,2304");
  await expect(form.getByRole("alert")).toHaveCount(0);
  await form.getByLabel("Longitude").fill("121.4737");
  await form.getByLabel(/Geofence radius/).fill("5");
  await form.getByRole("button", { name: "Create" }).click();
  await expect(form.getByRole("alert")).toContainText("between 10 m and 50,000 m");
  await form.getByLabel(/Geofence radius/).fill("100");
  await form.getByRole("button", { name: "Create" }).click();
  await dispatchToZhangWei(page, "上海华东医疗设备有限公司", "CT 冷却泵报警");

  await signIn(page, "zhang.wei");
  // The working day starts with clocking in, wherever the technician is (here: at the site).
  await setPosition(bridge, { lat: 31.2304, lon: 121.4737 });
  await page.getByRole("button", { name: "Clock in" }).click();
  await expect(page.getByTestId("clock-state")).toContainText("Clocked in since");
  await page.getByRole("button", { name: /上海华东医疗设备有限公司/ }).click();
  await page.getByRole("button", { name: "Accept" }).click();
  // The tablet's location service answers: the check-in is verified at the site.
  await page.getByRole("button", { name: "Check in" }).click();
  // The verdict shows at once at the top, and stays in the timeline.
  await expect(page.getByTestId("next-step").getByTestId("fence")).toHaveText("on site, 0 m from the site");
  await expect(page.locator(".timeline").getByTestId("fence")).toHaveText("on site, 0 m from the site");
  await expect(page.locator(".timeline").getByTestId("place").first()).toHaveText("上海华东医疗设备有限公司 · 张江工厂 (0 m away)");
  // No location service (as on desktop): the technician is asked, and bad input is refused.
  await setPosition(bridge, null);
  await page.getByRole("button", { name: "Check out" }).click();
  const ask = page.getByRole("group", { name: "Position for this step" });
  await expect(ask).toContainText("This device has no location service");
  await ask.getByLabel("Latitude").fill("95");
  await ask.getByLabel("Longitude").fill("121.4737");
  await ask.getByRole("button", { name: "Record with this position" }).click();
  await expect(page.getByRole("alert")).toContainText("Latitude must be a number from -90 to 90.");
  // Or pick it on the map, centred on the site: a click 100 px north of the site is about
  // 200 m north of it (zoom 16 at 31°N), and fills in both fields.
  const pickMap = ask.getByRole("img", { name: "Map: click where you are to pick the position" });
  await expect(pickMap).toHaveAttribute("data-points", "1");
  const box = (await pickMap.boundingBox())!;
  await pickMap.click({ position: { x: box.width / 2, y: box.height / 2 - 100 } });
  await expect(pickMap).toHaveAttribute("data-picked", /^31\.23\d+,121\.47\d+$/);
  const pickedLat = Number(await ask.getByLabel("Latitude").inputValue());
  const pickedLon = Number(await ask.getByLabel("Longitude").inputValue());
  expect(pickedLat - 31.2304).toBeGreaterThan(0.0012);
  expect(pickedLat - 31.2304).toBeLessThan(0.0025);
  expect(Math.abs(pickedLon - 121.4737)).toBeLessThan(0.0002);
  await page.screenshot({ path: "test-results/pick-on-map.png", fullPage: true });
  await ask.getByLabel("Latitude").fill("31.2344");
  await ask.getByRole("button", { name: "Record with this position" }).click();
  await expect(ask).toBeHidden();
  await expect(page.locator(".timeline").getByTestId("fence").nth(1)).toHaveText("manual position, 445 m from the site");
  await expect(page.locator(".detail-head .status")).toHaveText("Left site");
  await page.screenshot({ path: "test-results/check-in-fence.png", fullPage: true });
  await expect(page.getByRole("img", { name: "Site and check-ins" })).toHaveAttribute("data-points", "3");
  await page.getByRole("button", { name: "← Back" }).click();
  await page.getByRole("button", { name: "Clock out" }).click();
  await expect(page.getByRole("group", { name: "Position for this step" })).toBeVisible();
  await page.getByRole("button", { name: "Without a position" }).click();
  await expect(page.getByTestId("clock-state")).toHaveText("Not clocked in");
  await sendAll(page);
  await signOut(page);

  // The supervisor's map: the site, both check-ins (one flagged), the technician's last position.
  await signIn(page, "chen.jing");
  await page.getByRole("tab", { name: "Map" }).click();
  const map = page.getByRole("img", { name: "Map" });
  await expect(map).toHaveAttribute("data-points", "4");
  await expect(map.locator(".leaflet-control-scale")).toBeVisible();
  await expect(page.getByTestId("map-summary")).toHaveText("1 sites · 2 check-ins · 1 flagged");
  const day = page.getByRole("table", { name: "Check-ins of the day" });
  await expect(day.getByRole("row")).toHaveCount(3);
  await expect(day.getByRole("row").nth(2)).toContainText("manual position, 445 m from the site");
  await page.screenshot({ path: "test-results/map.png", fullPage: true });
  await day.getByRole("row").nth(1).click();
  await expect(page.getByTestId("order-number")).toBeVisible();

  // Attendance: the technician's day in one row, exported as CSV.
  await page.getByRole("tab", { name: "Attendance" }).click();
  const attendance = page.getByRole("table", { name: "Attendance" });
  await expect(attendance.getByRole("row")).toHaveCount(2);
  const row = attendance.getByRole("row").nth(1);
  await expect(row).toContainText("张伟 Zhang Wei");
  // The check-in was on site (the manual position was the check-out's): nothing flagged.
  await expect(row.locator(".badge.warn")).toHaveCount(0);
  await expect(row.getByRole("cell").nth(6)).toHaveText("1");
  await expect(row).toContainText(firstNumber);
  await page.getByRole("button", { name: "Export CSV" }).click();
  await expect(page.getByTestId("export-saved")).toContainText("attendance-");
  const href = await page.getByRole("link", { name: "Download" }).getAttribute("href");
  const csv = Buffer.from(href!.split(",")[1], "base64").toString("utf8");
  expect(csv.split("\n")[0]).toContain("date,person,clock_in,clock_out,worked_hours");
  expect(csv).toContain("张伟 Zhang Wei");
  await page.screenshot({ path: "test-results/attendance.png", fullPage: true });
});

test("technician attaches site photos; the supervisor sees thumbnails and opens one", { tag: "@field" }, async ({ page }) => {
  await signIn(page, "chen.jing");
  await createCustomer(page, "广州白云制冷设备", "白云仓库", "23.1291", "113.2644");
  await dispatchToZhangWei(page, "广州白云制冷设备", "冷库压缩机 compressor check");

  await signIn(page, "zhang.wei");
  await page.getByRole("button", { name: /广州白云制冷设备/ }).click();
  await page.getByRole("button", { name: "Accept" }).click();
  await page.getByRole("button", { name: "Check in" }).click();
  // A picture drawn in the page (as a camera would give one), and a file that is no picture.
  const jpeg = await drawnPicture(page, 640, 480, "#c33");
  const photos = page.getByRole("region", { name: "Site photos" });
  await photos.getByLabel("Take or choose photos").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not a photo") });
  await photos.getByRole("button", { name: "Attach 1 photo", exact: true }).click();
  await expect(photos.getByRole("alert")).toContainText("not a JPEG, PNG or WebP image");
  await photos.getByLabel("Take or choose photos").setInputFiles([
    { name: "nameplate.jpg", mimeType: "image/jpeg", buffer: Buffer.from(jpeg, "base64") },
    { name: "valve.jpg", mimeType: "image/jpeg", buffer: Buffer.from(jpeg, "base64") },
  ]);
  await photos.getByLabel("Caption").fill("铭牌 nameplate");
  await photos.getByRole("button", { name: "Attach 2 photos" }).click();
  await expect(photos.getByRole("heading")).toHaveText("Site photos (2)");
  await expect(photos.getByTestId("photos").locator("img")).toHaveCount(2);
  await sendAll(page);
  await signOut(page);

  await signIn(page, "chen.jing");
  await page.getByRole("row", { name: /广州白云制冷设备/ }).click();
  const seen = page.getByRole("region", { name: "Site photos" });
  await expect(seen.getByTestId("photos").locator("img")).toHaveCount(2);
  await seen.getByRole("button", { name: "铭牌 nameplate" }).first().click();
  await expect(page.getByTestId("photo-full")).toBeVisible();
  await page.screenshot({ path: "test-results/photos.png", fullPage: true });
  await page.getByRole("dialog").getByRole("button", { name: "Close" }).click();
  await expect(seen.getByLabel("Take or choose photos")).toHaveCount(1);
});

test("spare parts: request, approve fewer, issue, receive into the van, use one on an order", async ({ page }) => {
  await signIn(page, "chen.jing");
  await page.getByRole("tab", { name: "Parts" }).click();
  // Stock locations and the catalogue.
  const newLocation = page.getByRole("group", { name: "New location" });
  await newLocation.getByLabel("Name").fill("上海总仓");
  await newLocation.getByRole("button", { name: "Add" }).click();
  await newLocation.getByLabel("New location").selectOption("van");
  await newLocation.getByLabel("Name").fill("张伟的车");
  await newLocation.getByLabel("Technician").selectOption({ label: "张伟 Zhang Wei" });
  await newLocation.getByRole("button", { name: "Add" }).click();
  await page.getByRole("button", { name: "Catalogue", exact: true }).click();
  await page.getByRole("button", { name: "+ New part" }).click();
  const pform = page.getByRole("form", { name: "New part" });
  await pform.getByLabel("SKU").fill("VP-30XA");
  await pform.getByLabel("Name (中文)").fill("压缩机阀片");
  await pform.getByLabel("Sale price").fill("450");
  await pform.getByLabel("Cost").fill("280");
  await pform.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("table", { name: "Catalogue" })).toContainText("压缩机阀片");
  const picture = await drawnPicture(page, 320, 240, "#000");
  await page.getByLabel("Photo VP-30XA").setInputFiles({ name: "valve.jpg", mimeType: "image/jpeg", buffer: Buffer.from(picture, "base64") });
  await expect(page.getByRole("img", { name: "压缩机阀片" })).toBeVisible();
  // Import: a bad row refuses the whole file; a good file adds its parts. Export gives a file.
  const files = page.getByRole("group", { name: "Catalogue files" });
  await files.getByLabel("Import CSV or XLSX").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from("sku,name_zh,unit,sale_price,cost\nFLT-G4,过滤器,pcs,abc,9\n") });
  await expect(page.getByTestId("import-report")).toContainText("Nothing was imported");
  await files.getByLabel("Import CSV or XLSX").setInputFiles({ name: "good.csv", mimeType: "text/csv", buffer: Buffer.from("sku,name_zh,unit,sale_price,cost\nFLT-G4,初效过滤器,pcs,180,95\n") });
  await expect(page.getByTestId("import-report")).toContainText("Imported: 1 new");
  await expect(page.getByRole("table", { name: "Catalogue" })).toContainText("初效过滤器");
  await files.getByRole("button", { name: "Export CSV" }).click();
  await expect(page.getByTestId("parts-exported")).toContainText(/parts-\d+\.csv/);
  await page.getByRole("button", { name: "Stock", exact: true }).click();
  await page.getByLabel("Location", { exact: true }).selectOption({ label: "上海总仓" });
  const movement = page.getByRole("group", { name: "Record a movement" });
  await movement.getByLabel("Part").selectOption({ label: "VP-30XA 压缩机阀片" });
  await movement.getByLabel("Qty", { exact: true }).fill("10");
  await movement.getByRole("button", { name: "Record" }).click();
  await expect(page.getByRole("table", { name: "Stock levels" })).toContainText("10 pcs");

  // An order for 张伟 to use the part on.
  await page.getByRole("tab", { name: "Orders" }).click();
  await createCustomer(page, "深圳创新暖通工程", "南山机房", "22.5333", "113.9304");
  await dispatchToZhangWei(page, "深圳创新暖通工程", "压缩机阀片损坏");

  // The technician asks for 4.
  await signIn(page, "zhang.wei");
  await page.getByRole("button", { name: "My parts" }).click();
  const ask = page.getByRole("group", { name: "New request" });
  await ask.getByLabel("Part").selectOption({ label: "VP-30XA 压缩机阀片" });
  await ask.getByLabel("Qty", { exact: true }).fill("4");
  await ask.getByLabel("Reason").fill("补充车载库存");
  await ask.getByRole("button", { name: "Request parts" }).click();
  await expect(page.getByTestId("request")).toContainText("Requested");
  await sendAll(page);
  await signOut(page);

  // The supervisor approves 3 and issues them from the warehouse.
  await signIn(page, "chen.jing");
  await page.getByRole("tab", { name: "Parts" }).click();
  await page.getByRole("button", { name: "Requests", exact: true }).click();
  const req = page.getByTestId("request");
  await req.getByLabel("Approve quantity VP-30XA").fill("3");
  await req.getByRole("button", { name: "Approve" }).click();
  await expect(req).toContainText("Approved");
  await expect(req).toContainText("(asked 4)");
  await req.getByLabel("Issue from").selectOption({ label: "上海总仓" });
  await req.getByRole("button", { name: "Issue" }).click();
  await expect(req).toContainText("Issued");
  await page.getByRole("button", { name: "Stock", exact: true }).click();
  await page.getByLabel("Location", { exact: true }).selectOption({ label: "上海总仓" });
  await expect(page.getByRole("table", { name: "Stock levels" })).toContainText("7 pcs");
  await sendAll(page);
  await signOut(page);

  // The technician confirms receipt: the van holds 3; one goes into the order.
  await signIn(page, "zhang.wei");
  await page.getByRole("button", { name: "My parts" }).click();
  await page.getByRole("button", { name: "Confirm receipt" }).click();
  await expect(page.getByTestId("request")).toContainText("Received");
  await page.getByLabel("Location", { exact: true }).selectOption({ label: "张伟的车" });
  await expect(page.getByRole("table", { name: "Stock levels" })).toContainText("3 pcs");
  await page.getByRole("button", { name: "My parts" }).click();
  // A USB scanner types the part's code and Enter (here the SKU, as people type it).
  const scan = page.getByRole("form", { name: "Find by code" }).first();
  await scan.getByLabel("Scan or type a code").fill("vp30xa");
  await scan.getByLabel("Scan or type a code").press("Enter");
  await expect(page.getByTestId("scan-found")).toContainText("张伟的车: 3 pcs");
  await page.getByTestId("scan-found").getByRole("button", { name: "Close" }).click();
  await page.getByRole("button", { name: /深圳创新暖通工程/ }).click();
  await page.getByRole("button", { name: "Accept" }).click();
  const used = page.getByRole("region", { name: "Parts used" });
  await used.getByLabel("Take from").selectOption({ label: "张伟的车" });
  await used.getByLabel("Scan or type a code").fill("VP-30XA");
  await used.getByLabel("Scan or type a code").press("Enter");
  await expect(used.getByLabel("Part")).toHaveValue(/.+/);
  await expect(used.getByLabel("Part").locator("option:checked")).toHaveText("VP-30XA 压缩机阀片");
  await used.getByRole("button", { name: "Use part" }).click();
  await expect(page.getByTestId("charges-total")).toContainText("450.00");
  // Cost, profit and margin are the office's business: the technician's tablet shows none.
  await expect(page.getByTestId("totals")).not.toContainText("Gross profit");
  await expect(page.getByTestId("gross-profit")).toHaveCount(0);
  await page.screenshot({ path: "test-results/parts-used.png", fullPage: true });
  await page.getByRole("button", { name: "← Back" }).click();
  await page.getByRole("button", { name: "My parts" }).click();
  await page.getByLabel("Location", { exact: true }).selectOption({ label: "张伟的车" });
  await expect(page.getByRole("table", { name: "Stock levels" })).toContainText("2 pcs");
  await sendAll(page);
  await signOut(page);

  // Statistics: consumption per part and technician, turnaround, an export.
  await signIn(page, "chen.jing");
  await page.getByRole("tab", { name: "Parts" }).click();
  await page.getByRole("button", { name: "Statistics", exact: true }).click();
  // Each chart has one bar: its name on the axis and its value, 1, at its end.
  for (const [figure, label] of [
    ["Used per part", "VP-30XA 压缩机阀片"],
    ["Used per technician", "张伟 Zhang Wei"],
    ["Used per customer", "深圳创新暖通工程"],
  ]) {
    const chart = page.getByRole("figure", { name: figure });
    await expect(chart.locator("text", { hasText: label })).toHaveCount(1);
    await expect(chart.locator("text").filter({ hasText: /^1$/ })).toHaveCount(1);
  }
  // FLT-G4 was imported but never received: no stock, so not a slow mover; VP-30XA moved.
  await expect(page.getByRole("figure", { name: "Slow movers: in stock, not used in the period" })).toContainText("—");
  await expect(page.getByTestId("turnaround")).toContainText("on average from request to receipt");
  await page.getByRole("button", { name: "Export CSV" }).click();
  await expect(page.getByTestId("stats-exported")).toContainText(/parts-statistics-\d+-\d+\.csv/);
  await page.screenshot({ path: "test-results/parts-statistics.png", fullPage: true });

  // The valve's cost goes up in the catalogue. The order keeps the cost it was used at, and
  // its cost line says what the catalogue says now.
  await page.getByRole("button", { name: "Catalogue", exact: true }).click();
  await page.getByRole("button", { name: "Edit part VP-30XA" }).click();
  const edit = page.getByRole("form", { name: "Edit part VP-30XA" });
  await expect(edit.getByLabel("Cost")).toHaveValue("280.00");
  await edit.getByLabel("Name (中文)").fill("");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toBeVisible();
  await edit.getByLabel("Name (中文)").fill("压缩机阀片");
  await edit.getByLabel("Cost").fill("300");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toBeHidden();
  await expect(page.getByRole("table", { name: "Catalogue" }).getByRole("row", { name: /VP-30XA/ })).toContainText("300.00");
  await expect(page.getByRole("img", { name: "压缩机阀片" })).toBeVisible();
  await page.getByRole("tab", { name: "Orders" }).click();
  await page.getByRole("row", { name: /深圳创新暖通工程/ }).click();
  await expect(page.getByTestId("catalogue-cost")).toHaveText("catalogue cost now CN¥300.00");
  await expect(page.getByTestId("gross-profit")).toContainText("170.00");
  await page.screenshot({ path: "test-results/catalogue-cost.png", fullPage: true });
});

test("a warehouse keeper signs in to the parts view only", async ({ page }) => {
  await signIn(page, "zhao.lei");
  await expect(page.getByTestId("user")).toContainText("Warehouse keeper");
  await expect(page.getByRole("button", { name: "Catalogue", exact: true })).toBeVisible();
  await expect(page.getByRole("tab", { name: "Orders" })).toHaveCount(0);
  await page.getByRole("button", { name: "Catalogue", exact: true }).click();
  await page.getByRole("button", { name: "+ New part" }).click();
  const pform = page.getByRole("form", { name: "New part" });
  await pform.getByLabel("SKU").fill("OIL-BZ-5L");
  await pform.getByLabel("Name (中文)").fill("冷冻机油 5L");
  await pform.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("table", { name: "Catalogue" })).toContainText("冷冻机油 5L");
  await page.getByRole("button", { name: "+ New part" }).click();
  await pform.getByLabel("SKU").fill("FLT-2");
  await pform.getByLabel("Name (中文)").fill("干燥过滤器");
  await pform.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("table", { name: "Catalogue" })).toContainText("干燥过滤器");

  // The keeper's warehouse receives 10 cans, then counts 8 of them and 3 filters nobody booked.
  await page.getByRole("button", { name: "Stock", exact: true }).click();
  const newLocation = page.getByRole("group", { name: "New location" });
  await newLocation.getByLabel("Name").fill("北京仓");
  await newLocation.getByRole("button", { name: "Add" }).click();
  const movement = page.getByRole("group", { name: "Record a movement" });
  await movement.getByLabel("Part").selectOption({ label: "OIL-BZ-5L 冷冻机油 5L" });
  await movement.getByLabel("Qty", { exact: true }).fill("10");
  await movement.getByRole("button", { name: "Record" }).click();
  await expect(page.getByRole("table", { name: "Stock levels" })).toContainText("10 pcs");
  await page.getByRole("button", { name: "Stock-take" }).click();
  const take = page.getByRole("region", { name: "Stock-take" });
  await expect(take.getByTestId("count-basis")).toContainText("Known levels as of the last sync");
  await take.getByLabel("Add a part to the count").selectOption({ label: "FLT-2 干燥过滤器" });
  await take.getByLabel("Counted FLT-2").fill("three");
  await take.getByRole("button", { name: "Apply the count" }).click();
  await expect(take.getByRole("alert")).toContainText("The count of FLT-2 must be a whole number");
  await take.getByLabel("Counted FLT-2").fill("3");
  await take.getByLabel("Counted OIL-BZ-5L").fill("8");
  await take.getByLabel("Stock-take note").fill("年终盘点");
  await take.getByRole("button", { name: "Apply the count" }).click();
  const result = take.getByRole("table", { name: "Stock-take result" });
  await expect(result.getByRole("row", { name: /OIL-BZ-5L/ })).toContainText("-2");
  await expect(result.getByRole("row", { name: /FLT-2/ })).toContainText("+3");
  const levels = page.getByRole("table", { name: "Stock levels" });
  await expect(levels.getByRole("row", { name: /OIL-BZ-5L/ })).toContainText("8 pcs");
  await expect(levels.getByRole("row", { name: /FLT-2/ })).toContainText("3 pcs");
  await page.screenshot({ path: "test-results/stock-take.png", fullPage: true });

  // Renaming the warehouse; a van changes hands.
  await page.getByRole("button", { name: "Edit location" }).click();
  const editLocation = page.getByRole("group", { name: "Edit location" });
  await editLocation.getByLabel("Name").fill("北京仓 Beijing");
  await editLocation.getByRole("button", { name: "Save" }).click();
  await expect(editLocation).toBeHidden();
  await expect(page.getByLabel("Location", { exact: true })).toContainText("北京仓 Beijing");
  await newLocation.getByLabel("New location").selectOption("van");
  await newLocation.getByLabel("Name").fill("3 号车");
  await newLocation.getByLabel("Technician").selectOption({ label: "张伟 Zhang Wei" });
  await newLocation.getByRole("button", { name: "Add" }).click();
  await page.getByLabel("Location", { exact: true }).selectOption({ label: "3 号车" });
  await page.getByRole("button", { name: "Edit location" }).click();
  await editLocation.getByLabel("Technician").selectOption({ label: "李娜 Li Na" });
  await editLocation.getByRole("button", { name: "Save" }).click();
  await expect(editLocation).toBeHidden();
  await page.getByRole("button", { name: "Edit location" }).click();
  await expect(editLocation.getByLabel("Technician")).toHaveValue(/.+/);
  await expect(editLocation.getByLabel("Technician").locator("option:checked")).toHaveText("李娜 Li Na");

  // Categories: a tree that never loops.
  await page.getByRole("button", { name: "Catalogue", exact: true }).click();
  await page.getByRole("button", { name: "Categories" }).click();
  const newCategory = page.getByRole("group", { name: "New category" });
  await newCategory.getByLabel("New category").fill("暖通");
  await newCategory.getByRole("button", { name: "Add" }).click();
  await newCategory.getByLabel("New category").fill("压缩机");
  await newCategory.getByLabel("Parent").selectOption({ label: "暖通" });
  await newCategory.getByRole("button", { name: "Add" }).click();
  const editCategory = page.getByRole("group", { name: "Edit category" });
  await editCategory.getByLabel("Edit category").selectOption({ label: "暖通" });
  await editCategory.getByLabel("Move under").selectOption({ label: "暖通 / 压缩机" });
  await editCategory.getByRole("button", { name: "Save" }).click();
  await expect(editCategory.getByRole("alert")).toContainText("cannot go inside itself or one of its own");
  await editCategory.getByLabel("Edit category").selectOption({ label: "暖通 / 压缩机" });
  await editCategory.getByLabel("Category name").fill("压缩机 Compressors");
  await editCategory.getByLabel("Move under").selectOption({ label: "(top level)" });
  await editCategory.getByRole("button", { name: "Save" }).click();
  await expect(editCategory.getByLabel("Edit category")).toContainText("压缩机 Compressors");
  await expect(editCategory.getByLabel("Edit category").locator("option", { hasText: "暖通 / " })).toHaveCount(0);
});
