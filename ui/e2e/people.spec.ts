import { expect, test } from "./stack";
import { signIn } from "./steps";

// People and devices across two devices: the administrator on the page's device, a
// technician on a second device (its own store behind its own bridge), both on the real
// sync server.
test("an administrator adds a person and removes a technician's tablet, which erases itself", async ({ page, stack, context }) => {
  const tabletBridge = await stack.device("tablet");
  const tablet = await context.newPage();
  await tablet.goto(`/?bridge=${encodeURIComponent(tabletBridge)}`);
  await signIn(tablet, "zhang.wei");

  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, "admin");
  await page.getByRole("tab", { name: "People & devices" }).click();
  const zhang = page.getByTestId("person-zhang.wei");
  await expect(zhang.getByTestId("device")).toHaveCount(1);
  await expect(zhang.getByTestId("device")).toContainText("Signed in");
  await expect(zhang.getByTestId("device")).toContainText("from 127.0.0.1");

  // A new person: the server's rule on passwords is said in the person's words.
  const add = page.getByRole("form", { name: "Add a person" });
  await add.getByLabel("Name").fill("王芳 Wang Fang");
  await add.getByLabel("Login").fill("wang.fang");
  await add.getByLabel("First password (8+ characters)").fill("short");
  await add.getByRole("button", { name: "Add" }).click();
  await expect(add.getByRole("alert")).toHaveText("Password needs at least 8 characters.");
  await add.getByLabel("First password (8+ characters)").fill("long enough 1");
  await add.getByRole("button", { name: "Add" }).click();
  await expect(page.getByRole("status")).toHaveText("王芳 Wang Fang can now sign in as wang.fang.");
  await expect(page.getByTestId("person-wang.fang")).toContainText("Never signed in.");
  // The same login twice is refused, and said so.
  await add.getByLabel("Name").fill("Someone else");
  await add.getByLabel("Login").fill("wang.fang");
  await add.getByLabel("First password (8+ characters)").fill("long enough 2");
  await add.getByRole("button", { name: "Add" }).click();
  await expect(add.getByRole("alert")).toHaveText("The login “wang.fang” is taken: choose another.");
  await page.screenshot({ path: "test-results/people-en.png", fullPage: true });

  // Remove the tablet, erasing it now: it hears at once (its live stream ends), erases its
  // copy and says why on the sign-in screen.
  await zhang.getByRole("button", { name: "Remove device…" }).click();
  await zhang.getByRole("button", { name: "Remove and erase now" }).click();
  await expect(zhang.getByTestId("device")).toContainText("Removed");
  await expect(tablet.getByTestId("revoked-notice")).toBeVisible({ timeout: 20_000 });
  await expect(tablet.getByTestId("revoked-notice")).toContainText("An administrator removed this device");
  // Signing in again makes it a new device; the removed one stays removed in the list.
  await signIn(tablet, "zhang.wei");
  // The technician changes their own password there; a wrong current one is said so.
  await tablet.getByRole("button", { name: "Password", exact: true }).click();
  const change = tablet.getByRole("form", { name: "Change password" });
  await change.getByLabel("Current password").fill("not it at all");
  await change.getByLabel("New password (8+ characters)").fill("zhang wei 2026");
  await change.getByRole("button", { name: "Set password" }).click();
  await expect(change.getByRole("alert")).toHaveText("The current password is not right.");
  await change.getByLabel("Current password").fill("fieldops-demo");
  await change.getByLabel("New password (8+ characters)").fill("zhang wei 2026");
  await change.getByRole("button", { name: "Set password" }).click();
  await expect(change.getByRole("status")).toContainText("Password changed");
  await page.getByRole("tab", { name: "Audit log" }).click();
  await page.getByRole("tab", { name: "People & devices" }).click();
  await expect(zhang.getByTestId("device")).toHaveCount(2);
  await expect(zhang.getByTestId("device").filter({ hasText: "Signed in" })).toHaveCount(1);

  // The audit log has all of it; in Chinese too.
  await page.getByRole("tab", { name: "Audit log" }).click();
  const log = page.getByRole("table", { name: "Audit log" });
  await page.getByLabel("Event").selectOption("device_revoked");
  await expect(log.locator("tbody tr")).toHaveCount(1);
  await expect(log.locator("tbody tr")).toContainText("admin");
  await page.getByLabel("Event").selectOption("");
  await page.getByLabel("Search login, record or detail").fill("wang.fang");
  await expect(log.locator("tbody tr[data-kind=person_added]")).toHaveCount(1);
  await page.getByRole("button", { name: "Export CSV" }).click();
  await expect(page.getByTestId("audit-saved")).toBeVisible();
  await page.getByRole("button", { name: "中文" }).click();
  await expect(page.getByRole("tab", { name: "审计日志" })).toBeVisible();
  const logZh = page.getByRole("table", { name: "审计日志" });
  await expect(logZh.locator("tbody tr[data-kind=person_added]")).toContainText("添加人员");
  await page.screenshot({ path: "test-results/audit-zh.png", fullPage: true });
  await page.getByRole("tab", { name: "人员与设备" }).click();
  await page.screenshot({ path: "test-results/people-zh.png", fullPage: true });
});
