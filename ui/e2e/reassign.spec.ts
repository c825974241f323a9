import { expect, setPosition, test } from "./stack";
import { createCustomer, orderForZhangWei, signIn } from "./steps";

// Reassignment while work is under way, on two devices and the real server: the supervisor's
// desk and 张伟's tablet. A supervisor who can see the technician on site is asked first; the
// technician's tablet keeps the order, read-only, saying who took it over, until they say OK.

test("reassigning an order whose technician is on site asks first; the tablet says who took it over", { tag: "@field" }, async ({ page, bridge, stack, context }) => {
  const deskBridge = await stack.device("supervisor-desk");
  const desk = await context.newPage();
  await desk.setViewportSize({ width: 1280, height: 800 });
  await desk.goto(`/?bridge=${encodeURIComponent(deskBridge)}`);
  await signIn(desk, "chen.jing");
  await createCustomer(desk, "无锡新区热电厂", "1 号机组", "31.49", "120.31", undefined, "0510-8888 6666");
  await orderForZhangWei(desk, "无锡新区热电厂", "给水泵振动 feed pump vibration");
  await desk.getByRole("button", { name: "Sync now" }).click();
  await expect(desk.getByTestId("pending")).toHaveText("All changes sent");

  // 张伟 accepts and checks in on his tablet.
  await signIn(page, "zhang.wei");
  await page.getByRole("button", { name: /无锡新区热电厂/ }).click();
  // Call the customer and navigate to the site from the order.
  await expect(page.getByTestId("call")).toHaveAttribute("href", "tel:051088886666");
  await expect(page.getByTestId("navigate")).toHaveAttribute("href", /^geo:31\.49,120\.31\?q=31\.49,120\.31\(/);
  await page.getByRole("button", { name: "Accept" }).click();
  await setPosition(bridge, { lat: 31.49, lon: 120.31 });
  await page.getByRole("button", { name: "Check in" }).click();
  await expect(page.locator(".detail-head .status")).toHaveText("On site");
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByTestId("pending")).toHaveText("All changes sent");

  // The supervisor reassigns to 李娜: told first that 张伟 is on site.
  await desk.getByRole("button", { name: "Sync now" }).click();
  await expect(desk.locator(".detail-head .status")).toHaveText("On site");
  await desk.getByLabel("张伟 Zhang Wei").uncheck();
  await desk.getByLabel("李娜 Li Na").check();
  await desk.getByRole("button", { name: "Reassign" }).last().click();
  await expect(desk.getByTestId("work-under-way")).toContainText("Work is under way: 张伟 Zhang Wei (checked in). Reassign anyway?");
  await expect(desk.getByTestId("assignees")).toHaveText("张伟 Zhang Wei");
  await desk.getByRole("button", { name: "Reassign anyway" }).click();
  await expect(desk.getByTestId("assignees")).toHaveText("李娜 Li Na");
  await desk.getByRole("button", { name: "Sync now" }).click();
  await expect(desk.getByTestId("pending")).toHaveText("All changes sent");

  // 张伟's open order turns read-only and says who took it over; his list keeps it until OK.
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByTestId("reassigned")).toContainText("Reassigned to 李娜 Li Na by 陈静 Chen Jing at");
  await expect(page.getByTestId("reassigned")).toContainText("your work was kept");
  await expect(page.getByRole("button", { name: "Complete" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Check out" })).toHaveCount(0);
  await page.screenshot({ path: "test-results/reassigned-tablet.png", fullPage: true });
  await page.getByRole("button", { name: "← Back" }).click();
  // The customer's record left the tablet with the order's scope; the card keeps the order's words.
  const card = page.getByRole("button", { name: /给水泵振动/ });
  await expect(card).toContainText("Reassigned");
  await card.click();
  await page.getByRole("button", { name: "OK" }).click();
  await expect(page.getByRole("heading", { name: "My orders" })).toBeVisible();
  await expect(page.getByRole("button", { name: /给水泵振动/ })).toHaveCount(0);
});
