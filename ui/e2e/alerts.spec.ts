import { expect, test } from "./stack";
import { createCustomer, signIn } from "./steps";

// Alerts and plans across two devices on the real sync server: the administrator sets a rule
// and a machine's plan on the page's device; the supervisor, on a second device, sees the
// plan's visit due, makes its order (dispatched to the plan's technician) and sets another
// alert aside with a reason.

/** A date `days` from now, YYYY-MM-DD. */
function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

test("an administrator sets a rule and a plan; the supervisor sees the visit due and makes its order", async ({ page, stack, context }) => {
  const deskBridge = await stack.device("supervisor-desk");
  const desk = await context.newPage();
  await desk.setViewportSize({ width: 1280, height: 800 });
  await desk.goto(`/?bridge=${encodeURIComponent(deskBridge)}`);
  await signIn(desk, "chen.jing");

  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, "admin");
  await page.getByRole("tab", { name: "Order templates" }).click();
  const warranty = page.getByTestId("rule-warranty");
  await warranty.getByLabel("Warn").fill("400");
  await warranty.getByRole("button", { name: "Save" }).click();
  await expect(warranty.getByRole("alert")).toHaveText("Warn before must be a number from 0 to 365.");
  await warranty.getByLabel("Warn").fill("60");
  await warranty.getByRole("button", { name: "Save" }).click();
  await expect(warranty.getByRole("button", { name: "Save" })).toBeDisabled();
  const zone = page.getByRole("region", { name: "Alert rules" });
  await zone.getByLabel("Company time zone").fill("Mars/Olympus");
  await zone.getByRole("button", { name: "Save" }).first().click();
  await expect(zone.getByRole("alert").first()).toHaveText("“Mars/Olympus” is not a known time zone: use a name such as Asia/Shanghai.");
  await zone.getByLabel("Company time zone").fill("Asia/Shanghai");
  // Response targets, which the supervisor's dashboard measures against.
  const targets = page.getByRole("region", { name: "Response targets" });
  await targets.getByLabel("Dispatched within (min)").fill("0");
  await targets.getByRole("button", { name: "Save" }).click();
  await expect(targets.getByRole("alert")).toHaveText("Target (minutes) must be a number from 1 to 43200.");
  await targets.getByLabel("Dispatched within (min)").fill("60");
  await targets.getByRole("button", { name: "Save" }).click();
  await expect(targets.getByRole("status")).toHaveText("Targets saved.");

  // A customer and a machine whose warranty ends in 40 days (inside the new 60-day rule).
  await page.getByRole("tab", { name: "Orders" }).click();
  await createCustomer(page, "苏州工业园区水务", "泵站 Pump station", "31.3", "120.7");
  await page.getByRole("tab", { name: "Equipment" }).click();
  await page.getByRole("button", { name: "+ New equipment" }).click();
  const machine = page.getByRole("form", { name: "New equipment" });
  await machine.getByLabel("Customer").selectOption({ label: "苏州工业园区水务" });
  await machine.getByLabel("Name on site").fill("2号水泵 Pump 2");
  await machine.getByLabel("Model").fill("KSB-200");
  await machine.getByLabel("Installed on").fill(inDays(-400));
  await machine.getByLabel("Warranty until").fill(inDays(40));
  await machine.getByRole("button", { name: "Create" }).click();

  // A monthly plan on it, its first visit in three days, for Zhang Wei.
  await page.getByRole("button", { name: "+ Add plan" }).click();
  const form = page.getByRole("form", { name: "Plan" });
  await form.getByLabel("Name").fill("Monthly filter service 月度滤网保养");
  await form.getByLabel("Every").fill("1");
  await form.getByLabel("Unit").selectOption("months");
  await form.getByLabel("Last possible date").fill(inDays(-30));
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("alert")).toHaveText("The plan ends before it starts: choose an end after the start, or leave it empty.");
  await form.getByLabel("Last possible date").fill("");
  await form.getByLabel("First visit").fill(inDays(3));
  await form.getByLabel("Default technician").selectOption({ label: "张伟 Zhang Wei" });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: "test-results/plan-form-1024.png", fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await form.getByRole("button", { name: "Save" }).click();
  const plan = page.getByTestId("plan");
  await expect(plan).toContainText("Monthly filter service 月度滤网保养");
  await expect(plan).toContainText("Next visit due");
  await expect(plan).toContainText("张伟 Zhang Wei");

  // The supervisor's device hears of it and shows the visit due soon.
  await desk.getByRole("tab", { name: "Alerts" }).click();
  const alerts = desk.getByRole("region", { name: "Alerts" });
  await alerts.getByLabel("Kind").selectOption({ label: "Maintenance due" });
  const visit = desk.getByTestId("alert").filter({ hasText: "Monthly filter service" });
  await expect(visit).toBeVisible({ timeout: 20_000 });
  await expect(visit).toContainText("Due soon");
  await expect(visit).toContainText("张伟 Zhang Wei");
  await desk.screenshot({ path: "test-results/alerts-en.png", fullPage: true });
  await visit.getByRole("button", { name: "Create order" }).click();
  await expect(desk.getByTestId("order-number")).toBeVisible();
  await expect(desk.locator(".side-pane")).toContainText("Dispatched");
  await expect(desk.locator(".side-pane")).toContainText("Monthly filter service");
  // The order is there once: the alert now opens it instead of making another.
  await expect(visit.getByRole("button", { name: "Create order" })).toHaveCount(0);
  await expect(visit.getByRole("button", { name: /^Open / })).toBeVisible();

  // The machine's warranty alert is set aside with a reason.
  await alerts.getByLabel("Kind").selectOption({ label: "All kinds" });
  const other = alerts.getByTestId("alert").filter({ hasText: "Warranty ends" });
  await expect(other).toContainText("2号水泵 Pump 2");
  // Counted on the company's calendar (Shanghai), which may already be a day ahead of UTC.
  await expect(other).toContainText(/in (39|40) days/);
  await other.getByRole("button", { name: "Set aside…" }).click();
  await other.getByLabel("Reason").fill("Customer postponed to January");
  await other.getByRole("button", { name: "Set aside", exact: true }).click();
  await alerts.getByRole("tab", { name: "Set aside" }).click();
  const aside = desk.getByTestId("alert").filter({ hasText: "Customer postponed to January" });
  await expect(aside).toContainText("Set aside by 陈静 Chen Jing");
  await expect(aside).toContainText("2号水泵 Pump 2");

  // The visit's order was dispatched at once: within the 60-minute target.
  await desk.getByRole("tab", { name: "Dashboard" }).click();
  await expect(desk.getByTestId("target-dispatched")).toContainText("100.0 %");
  await desk.getByRole("tab", { name: "Alerts" }).click();
  await desk.getByRole("button", { name: "中文" }).click();
  await desk.getByRole("region", { name: "预警" }).getByRole("tab", { name: "待处理" }).click();
  await expect(desk.getByTestId("alert").filter({ hasText: "Monthly filter service" })).toContainText("保养到期");
  await desk.screenshot({ path: "test-results/alerts-zh.png", fullPage: true });
  await desk.setViewportSize({ width: 768, height: 1024 });
  await desk.screenshot({ path: "test-results/alerts-zh-768.png", fullPage: true });
  await desk.setViewportSize({ width: 1280, height: 800 });
  await desk.getByRole("tab", { name: "日历" }).click();
  await expect(desk.getByRole("region", { name: "计划上门" })).toBeVisible();
  await desk.screenshot({ path: "test-results/alerts-calendar-zh.png", fullPage: true });
});

test("a project's plan on a calendar rule: a rule that never comes is refused; each machine of the project gets the visit", async ({ page }) => {
  await signIn(page, "chen.jing");
  await createCustomer(page, "宁波港集团", "3号码头 Pier 3", "29.9", "121.6");
  await page.getByRole("tab", { name: "Projects" }).click();
  await page.getByRole("button", { name: "+ New project" }).click();
  const project = page.getByRole("form", { name: "New project" });
  await project.getByLabel("Customer").selectOption({ label: "宁波港集团" });
  await project.getByLabel("Project name").fill("码头设备维保 Pier upkeep");
  await project.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("article", { name: "码头设备维保 Pier upkeep" })).toBeVisible();

  await page.getByRole("button", { name: "+ Add plan" }).click();
  const form = page.getByRole("form", { name: "Plan" });
  await form.getByLabel("Name").fill("Quarterly inspection 季度检验");
  await form.getByLabel("Repeats").selectOption({ label: "By a calendar rule (RFC 5545)" });
  await form.getByLabel("First visit").fill("2027-01-01");
  await form.getByLabel("Calendar rule", { exact: true }).fill("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("alert")).toHaveText("This calendar rule gives no visit on or after the first visit's date: change the rule or the dates.");
  await form.getByLabel("Calendar rule", { exact: true }).fill("FREQ=FORTNIGHTLY");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("alert")).toHaveText("Calendar rule is not in the right form: check it and type it again.");
  // The second Tuesday of each quarter from 2027: 12 January is the first.
  await form.getByLabel("Calendar rule", { exact: true }).fill("FREQ=MONTHLY;INTERVAL=3;BYDAY=+2TU");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("plan")).toContainText("Visits each machine of the project");

  await page.getByRole("tab", { name: "Equipment" }).click();
  await page.getByRole("button", { name: "+ New equipment" }).click();
  const machine = page.getByRole("form", { name: "New equipment" });
  await machine.getByLabel("Customer").selectOption({ label: "宁波港集团" });
  await machine.getByLabel("Name on site").fill("岸桥 Quay crane 7");
  await machine.getByLabel("Model").fill("ZPMC-65");
  await machine.getByLabel("Project").selectOption({ label: "码头设备维保 Pier upkeep" });
  await machine.getByRole("button", { name: "Create" }).click();
  const plan = page.getByTestId("plan");
  await expect(plan).toContainText("rule FREQ=MONTHLY;INTERVAL=3;BYDAY=+2TU");
  await expect(plan).toContainText("Next visit due 2027-01-12");
  await expect(plan).toContainText("from the project (edit it there)");
  await expect(plan.getByRole("button", { name: "Edit" })).toHaveCount(0);
});
