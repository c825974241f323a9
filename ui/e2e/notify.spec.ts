import { readFileSync, existsSync } from "node:fs";
import { smtpSink } from "./mail";
import { expect, test } from "./stack";
import { createCustomer, signIn } from "./steps";

// Notifications through the real server: the administrator gives the supervisor an e-mail
// address, sets up e-mail against a real SMTP server (aiosmtpd, started here) and an SMS
// gateway that is down, sends test messages and reads their delivery states; "Check alerts
// now" puts a machine's warranty warning into the supervisor's notification centre on a
// second device.

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

test("an administrator sets up channels and tests them; the supervisor's bell shows the alert", async ({ page, stack, context }) => {
  // Two devices, a mail server and several sync rounds: longer than the default minute on a
  // loaded 2-core machine.
  test.setTimeout(150_000);
  const { port, file: mailbox, child: sink } = await smtpSink();
  try {
    const deskBridge = await stack.device("supervisor-desk");
    const desk = await context.newPage();
    await desk.setViewportSize({ width: 1280, height: 800 });
    await desk.goto(`/?bridge=${encodeURIComponent(deskBridge)}`);
    await signIn(desk, "chen.jing");

    await signIn(page, "admin");
    // Where the supervisor's messages go; a malformed address is refused in words.
    await page.getByRole("tab", { name: "People & devices" }).click();
    const chen = page.getByTestId("person-chen.jing");
    await chen.getByRole("button", { name: "Contact" }).click();
    const contact = chen.getByRole("form", { name: /Contact/ });
    await contact.getByLabel("E-mail").fill("chen.jing@example");
    await contact.getByRole("button", { name: "Save" }).click();
    await expect(chen.getByRole("alert")).toHaveText("E-mail address is not in the right form: check it and type it again.");
    await contact.getByLabel("E-mail").fill("chen.jing@example.com");
    await contact.getByLabel("Mobile").fill("13800000001");
    await contact.getByRole("button", { name: "Save" }).click();
    await expect(chen).toContainText("chen.jing@example.com · 13800000001");

    // E-mail against the local SMTP server; SMS against a gateway nobody answers.
    await page.getByRole("tab", { name: "Notifications" }).click();
    const email = page.getByTestId("channel-email");
    await email.getByLabel("SMTP server").fill("127.0.0.1");
    await email.getByLabel("Port").fill(String(port));
    await email.getByLabel("Security").selectOption("none");
    await email.getByLabel("Sender").fill("FieldOps <alerts@example.com>");
    await email.getByRole("button", { name: "Save" }).click();
    await expect(email.getByText("Set up", { exact: true })).toBeVisible();
    await email.getByLabel("Send the test to").fill("it@example.com");
    await email.getByRole("button", { name: "Send a test message" }).click();
    await expect(email.getByRole("status")).toHaveText("Test message queued: its delivery shows in the list below.");

    const robot = page.getByTestId("channel-wechat_work");
    await robot.getByRole("button", { name: "Save" }).click();
    await expect(robot.getByRole("alert")).toHaveText("Webhook address is required: fill it in.");

    const sms = page.getByTestId("channel-sms");
    await sms.getByLabel("Gateway address").fill("http://127.0.0.1:9/send");
    await sms.getByLabel("Signing secret").fill("short");
    await sms.getByRole("button", { name: "Save" }).click();
    await expect(sms.getByRole("alert")).toHaveText("Signing secret needs at least 16 characters.");
    await sms.getByLabel("Signing secret").fill("a-gateway-secret-of-32-characters");
    await sms.getByRole("button", { name: "Save" }).click();
    await expect(sms.getByText("Set up", { exact: true })).toBeVisible();
    // The secret never comes back: the field is empty, with a hint that it is kept.
    await expect(sms.getByLabel("Signing secret")).toHaveValue("");
    await expect(sms.getByLabel("Signing secret")).toHaveAttribute("placeholder", "stored — leave empty to keep");
    await sms.getByLabel("Send the test to").fill("13900000009");
    await sms.getByRole("button", { name: "Send a test message" }).click();

    const outbox = page.getByRole("region", { name: "Messages sent and waiting" });
    await expect(async () => {
      await outbox.getByRole("button", { name: "Refresh" }).click();
      await expect(outbox.getByTestId("outbox-row").filter({ hasText: "E-mail" })).toContainText("Sent", { timeout: 1000 });
      await expect(outbox.getByTestId("outbox-row").filter({ hasText: "SMS" })).toContainText("Failed, will retry", { timeout: 1000 });
    }).toPass();
    await expect(outbox.getByTestId("outbox-row").filter({ hasText: "SMS" })).toContainText("Why: SMS gateway");
    await expect.poll(() => existsSync(mailbox) && readFileSync(mailbox, "utf8")).toContain("it@example.com");
    await page.screenshot({ path: "test-results/notify-channels-1280.png", fullPage: true });
    // The same page in Chinese, at a tablet's width.
    await page.getByRole("button", { name: "中文" }).click();
    await expect(page.getByRole("tab", { name: "通知" })).toBeVisible();
    await expect(email.getByRole("status")).toHaveText("测试消息已排队，发送结果见下方列表。");
    const outboxZh = page.getByRole("region", { name: "已发送和待发送的消息" });
    await expect(outboxZh.getByTestId("outbox-row").filter({ hasText: "短信" })).toContainText("失败，将重试");
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.screenshot({ path: "test-results/notify-channels-zh-1024.png", fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole("button", { name: "English" }).click();

    // The warranty rule also tells every administrator.
    await page.getByRole("tab", { name: "Order templates" }).click();
    const warranty = page.getByTestId("rule-warranty");
    await expect(warranty).toContainText("Supervisor, the assigned technician · In the app, E-mail");
    await warranty.getByRole("button", { name: /Supervisor/ }).click();
    await page.getByRole("checkbox", { name: "every Administrator" }).check();
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.screenshot({ path: "test-results/notify-rule-1024.png", fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await warranty.getByRole("button", { name: "Save" }).click();
    await expect(warranty).toContainText("Supervisor, Administrator, the assigned technician · In the app, E-mail");

    // A machine whose warranty ends in 10 days: supervisors and administrators hear of it in
    // the app and by e-mail.
    await page.getByRole("tab", { name: "Orders" }).click();
    await createCustomer(page, "无锡新区热电", "1号厂房 Plant 1", "31.5", "120.3");
    await page.getByRole("tab", { name: "Equipment" }).click();
    await page.getByRole("button", { name: "+ New equipment" }).click();
    const machine = page.getByRole("form", { name: "New equipment" });
    await machine.getByLabel("Customer").selectOption({ label: "无锡新区热电" });
    await machine.getByLabel("Name on site").fill("3号锅炉 Boiler 3");
    await machine.getByLabel("Model").fill("WNS-4");
    await machine.getByLabel("Installed on").fill(inDays(-700));
    await machine.getByLabel("Warranty until").fill(inDays(10));
    await machine.getByRole("button", { name: "Create" }).click();
    // The machine reaches the server with the next sync; then the check finds it.
    await page.getByRole("tab", { name: "Notifications" }).click();
    await expect(async () => {
      await page.getByRole("button", { name: "Check alerts now" }).click();
      await expect(page.getByRole("region", { name: "Messages sent and waiting" }).getByText("3号锅炉 Boiler 3").first()).toBeVisible({ timeout: 1000 });
    }).toPass();
    await expect.poll(() => readFileSync(mailbox, "utf8")).toContain("chen.jing@example.com");

    // The supervisor's bell.
    const bell = desk.getByRole("button", { name: /Notifications \(/ });
    await bell.click();
    const panel = desk.getByRole("dialog", { name: "Notifications" });
    await expect(panel).toContainText("保修即将到期：3号锅炉 Boiler 3");
    await expect(desk.getByTestId("unread")).toHaveText("1");
    await desk.screenshot({ path: "test-results/notify-bell-1280.png" });
    await panel.getByRole("button", { name: "Mark all read" }).click();
    await expect(desk.getByTestId("unread")).toHaveCount(0);
    // The administrator too (the rule changed on their device, reached the server by sync).
    await page.getByRole("button", { name: /Notifications \(/ }).click();
    await expect(page.getByRole("dialog", { name: "Notifications" })).toContainText("保修即将到期：3号锅炉 Boiler 3");
  } finally {
    sink.kill();
  }
});
