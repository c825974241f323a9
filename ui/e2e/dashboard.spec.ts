import { expect, test } from "./stack";

// The supervisor's dashboard, from the orders on the device (the real core), in both languages.
test("the dashboard counts open orders and lists the ones behind a figure", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(page.getByLabel("Company")).toHaveValue("demo");
  await page.getByLabel("Login").fill("chen.jing");
  await page.getByLabel("Password").fill("fieldops-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
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
  await expect(page.getByTestId("trend-bucket").first()).toBeVisible();
  await expect(page.getByRole("table", { name: "Repairs by customer" })).toContainText("苏州工业园区水务");
  await page.getByRole("button", { name: "Export XLSX" }).click();
  await expect(page.getByTestId("stats-saved")).toContainText(".xlsx");
  await page.getByRole("button", { name: "Staff assessment (PDF)" }).click();
  await expect(page.getByTestId("stats-saved")).toContainText(".pdf");
  await page.getByRole("button", { name: "Staff assessment (XLSX)" }).click();
  await expect(page.getByTestId("stats-saved")).toContainText(/assessment-.*\.xlsx/);
  await page.getByRole("button", { name: "CSV · Money" }).click();
  await expect(page.getByTestId("stats-saved")).toContainText(/statistics-money-.*\.csv/);
  await page.screenshot({ path: "test-results/dashboard-en.png", fullPage: true });
  await page.getByRole("button", { name: "中文" }).click();
  await expect(page.getByTestId("tile-open")).toContainText("未完成工单");
  await expect(page.getByRole("region", { name: "未完成工单" })).toBeVisible();
  await page.screenshot({ path: "test-results/dashboard-zh.png", fullPage: true });
});
