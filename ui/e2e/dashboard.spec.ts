import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { expect, test } from "./stack";
import { createCustomer, signIn } from "./steps";

// The supervisor's dashboard, from the orders on the device (the real core), in both languages.
test("the dashboard counts open orders and lists the ones behind a figure", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(page.getByLabel("Company")).toHaveValue("demo");
  await page.getByLabel("Login").fill("chen.jing");
  await page.getByLabel("Password").fill("fieldops-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  // The supervisor's home is the dashboard.
  await expect(page.getByRole("tab", { name: "Dashboard" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("tile-open")).toContainText("0");
  await page.getByRole("tab", { name: "Orders" }).click();
  await page.getByRole("button", { name: "+ New customer" }).click();
  const form = page.getByRole("form", { name: "New customer" });
  await form.getByLabel("Customer").fill("苏州工业园区水务");
  await form.getByLabel("Site name").fill("泵站");
  await form.getByLabel("Latitude").fill("31.3");
  await form.getByLabel("Longitude").fill("120.7");
  await form.getByRole("button", { name: "Create" }).click();
  const oform = page.getByRole("form", { name: "New order" });
  await oform.getByLabel("Customer").selectOption({ label: "苏州工业园区水务" });
  await oform.getByLabel("Description").fill("水泵振动 pump vibration");
  await oform.getByRole("button", { name: "Create" }).click();
  await expect(page.getByTestId("order-number")).toBeVisible();

  await page.getByRole("tab", { name: "Dashboard" }).click();
  const open = page.getByTestId("tile-open");
  await expect(open).toContainText("1");
  await expect(page.getByTestId("tile-completed")).toContainText("before: 0");
  await open.getByRole("button").click();
  const drill = page.getByRole("region", { name: "Open orders" });
  await expect(drill.getByRole("listitem")).toHaveCount(1);
  await expect(drill).toContainText("水泵振动 pump vibration");
  await drill.getByRole("listitem").getByRole("button").click();
  await expect(page.getByTestId("order-number")).toBeVisible();
  // Drill from the chart: this week's "created" bar (the one with a height) lists the order.
  await page.getByTestId("chart-trend").locator('path[fill="#1f6feb"]:not([d*="l0 0l"])').first().click();
  const week = page.getByRole("region", { name: /· Created$/ });
  await expect(week.getByRole("listitem")).toHaveCount(1);
  await expect(week).toContainText("水泵振动 pump vibration");
  // The trend shows another figure week by week, against the period before.
  await page.getByRole("combobox", { name: /^Show/ }).selectOption({ label: "Gross profit" });
  await page.getByRole("combobox", { name: /^Show/ }).selectOption({ label: "Median time to site" });
  await expect(page.getByTestId("chart-trend")).toContainText("Median time to site");
  await expect(page.getByTestId("chart-trend")).toContainText("Period before");
  await page.getByRole("combobox", { name: /^Show/ }).selectOption({ label: "Orders created and completed" });
  // The customer filter narrows the figures to one customer.
  await page.getByRole("combobox", { name: /^Customer/ }).selectOption({ label: "苏州工业园区水务" });
  await expect(page.getByTestId("tile-open")).toContainText("1");
  await page.getByRole("combobox", { name: /^Type/ }).selectOption({ label: "Installation" });
  await expect(page.getByTestId("tile-open")).toContainText("0");
  await page.getByRole("combobox", { name: /^Type/ }).selectOption({ label: "All types" });
  await page.getByRole("combobox", { name: /^Customer/ }).selectOption({ label: "All customers" });
  await expect(page.getByTestId("chart-repairs-customer")).toContainText("苏州工业园区水务");
  await page.getByRole("button", { name: "Export XLSX" }).click();
  await expect(page.getByTestId("stats-saved")).toContainText(".xlsx");
  // LibreOffice opens the workbook and reads the same figure back: one open order.
  const saved = (await page.getByTestId("stats-saved").textContent())?.match(/(\/\S+\.xlsx)/)?.[1];
  expect(saved).toBeTruthy();
  const out = mkdtempSync(join(tmpdir(), "fieldops-lo-"));
  execFileSync("libreoffice", [`-env:UserInstallation=file://${out}/profile`, "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", out, saved!], { stdio: "ignore" });
  const summary = readFileSync(join(out, basename(saved!).replace(/\.xlsx$/, ".csv")), "utf8");
  expect(summary.split("\n").some((l) => l.replaceAll('"', "").startsWith("未完成 Open,1,")), summary).toBe(true);
  rmSync(out, { recursive: true, force: true });
  await page.getByRole("button", { name: "Staff assessment (PDF)" }).click();
  await expect(page.getByTestId("stats-saved")).toContainText(".pdf");
  await page.getByRole("button", { name: "Staff assessment (XLSX)" }).click();
  await expect(page.getByTestId("stats-saved")).toContainText(/assessment-.*\.xlsx/);
  await page.getByRole("button", { name: "CSV · Money per month", exact: true }).click();
  await expect(page.getByTestId("stats-saved")).toContainText(/statistics-money-.*\.csv/);
  await page.screenshot({ path: "test-results/dashboard-en.png", fullPage: true });
  await page.getByRole("button", { name: "中文" }).click();
  await expect(page.getByTestId("tile-open")).toContainText("未完成工单");
  // The open list says what it shows in the new language.
  await expect(page.getByRole("region", { name: /· 新建$/ })).toBeVisible();
  await expect(page.getByTestId("chart-trend")).toContainText("新建");
  await page.screenshot({ path: "test-results/dashboard-zh.png", fullPage: true });
});

// An administrator groups 张伟 into a team; the dashboard narrowed to that team counts only the
// orders its member works on and lists only its member's workload; a region narrows it to the
// customers of that region.
test("a team and a region narrow the dashboard", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, "admin");
  for (const [customer, region, text, who] of [
    ["杭州西湖制冷", "华东", "冷库温度高", "张伟 Zhang Wei"],
    ["深圳南山暖通", "华南", "压缩机过载", "李娜 Li Na"],
  ]) {
    await createCustomer(page, customer, "机房", "30.25", "120.15", region);
    const oform = page.getByRole("form", { name: "New order" });
    await oform.getByLabel("Customer").selectOption({ label: customer });
    await oform.getByLabel("Description").fill(text);
    await oform.getByRole("button", { name: "Create" }).click();
    await page.getByLabel(who).check();
    await page.getByRole("button", { name: "Dispatch" }).click();
    await expect(page.getByTestId("assignees")).toHaveText(who);
  }
  await page.getByRole("tab", { name: "People" }).click();
  const fresh = page.getByRole("form", { name: "New team" });
  await fresh.getByLabel("Team name").fill("华东组");
  await fresh.getByLabel("张伟 Zhang Wei").check();
  await fresh.getByRole("button", { name: "Create team" }).click();
  await expect(page.getByRole("form", { name: "华东组" })).toBeVisible();
  // A team needs a name: said in words, nothing saved.
  await page.getByRole("form", { name: "New team" }).getByRole("button", { name: "Create team" }).click();
  await expect(page.getByRole("form", { name: "New team" }).getByRole("alert")).toContainText("Team name");

  await page.getByRole("tab", { name: "Dashboard" }).click();
  await expect(page.getByTestId("tile-open")).toContainText("2");
  await page.getByLabel("Team").selectOption({ label: "华东组" });
  await expect(page.getByTestId("tile-open")).toContainText("1");
  const workload = page.getByRole("table", { name: "Workload per technician" });
  await expect(workload).toContainText("张伟 Zhang Wei");
  await expect(workload).not.toContainText("李娜 Li Na");
  await page.getByTestId("tile-open").getByRole("button").click();
  await expect(page.getByRole("region", { name: "Open orders" })).toContainText("冷库温度高");
  await page.getByLabel("Team").selectOption({ label: "All teams" });
  await page.getByLabel("Region").selectOption("华南");
  await expect(page.getByTestId("tile-open")).toContainText("1");
  await page.getByTestId("tile-open").getByRole("button").click();
  await expect(page.getByRole("region", { name: "Open orders" })).toContainText("压缩机过载");
  await page.screenshot({ path: "test-results/dashboard-team.png", fullPage: true });
});
