import { expect, setPosition, test } from "./stack";
import { createCustomer, signIn } from "./steps";

// The customer portal against the real server binary: the supervisor shows a machine's label
// link and prints the label sheet; a customer's phone (360 px, Chinese) opens the label's
// link, reports a fault with a photo; the supervisor's app sees the new request, accepts and
// dispatches it and writes to the customer; the technician's tablet travels, checks in and
// completes; the customer's page follows every step without a reload, and the customer's
// rating shows on the order.

test("a customer reports a fault from the machine's label and follows it to the rating", async ({ page, stack, browser, context }) => {
  // Three devices and a phone, several sync rounds: longer than the default minute.
  test.setTimeout(180_000);
  await signIn(page, "chen.jing");
  await createCustomer(page, "华北电力设备公司", "石景山电厂", "39.9062", "116.2231");
  await page.getByRole("tab", { name: "Equipment" }).click();
  await page.getByRole("button", { name: "+ New equipment" }).click();
  const form = page.getByRole("form", { name: "New equipment" });
  await form.getByLabel("Customer").selectOption({ label: "华北电力设备公司" });
  await form.getByLabel("Name on site").fill("冷水机组 3");
  await form.getByLabel("Model").fill("CH-200");
  await form.getByLabel("Serial").fill("SN-2024-0031");
  await form.getByRole("button", { name: "Create" }).click();
  const machine = page.getByRole("article", { name: "冷水机组 3" });
  await machine.getByRole("button", { name: "Show links" }).click();
  const labelLink = machine.getByLabel("Machine label");
  await expect(labelLink).toHaveValue(/\/portal\/#m\/[A-Za-z0-9_-]{22}$/);
  const url = await labelLink.inputValue();
  await machine.getByRole("button", { name: "Print QR labels (1)" }).click();
  await expect(machine.getByTestId("labels-saved")).toContainText("machine-labels-");

  // The customer's phone, in Chinese.
  const phoneContext = await browser.newContext({ viewport: { width: 360, height: 800 }, locale: "zh-CN", isMobile: true, hasTouch: true });
  const phone = await phoneContext.newPage();
  await phone.goto(url);
  await expect(phone.getByTestId("machine")).toContainText("冷水机组 3");
  await expect(phone.getByTestId("machine")).toContainText("SN-2024-0031");
  await phone.getByLabel("故障描述").fill("压缩机运行十分钟后停机，显示 E07");
  await phone.getByLabel("联系人").fill("李先生");
  await phone.getByLabel("手机号码").fill("138 0013 8000");
  const photo = await page.screenshot({ clip: { x: 0, y: 0, width: 400, height: 300 } });
  await phone.locator("#photo-input").setInputFiles({ name: "fault.png", mimeType: "image/png", buffer: photo });
  await expect(phone.getByTestId("photos").locator("img")).toHaveCount(1);
  await phone.screenshot({ path: "test-results/portal-form-phone.png", fullPage: true });
  await phone.getByRole("button", { name: "提交报修" }).click();
  await expect(phone.getByTestId("status")).toHaveText("已收到报修");

  // The supervisor's app: the request waits on the dispatch board, a badge counts it on the
  // Orders tab; the request's facts, accept, dispatch.
  await page.getByRole("tab", { name: "Dispatch board" }).click();
  await expect(page.getByRole("region", { name: "Unassigned" }).getByText("Requested")).toBeVisible();
  await page.getByRole("tab", { name: /Orders/ }).click();
  await expect(page.getByTestId("new-requests")).toHaveText("1");
  await page.getByRole("row", { name: /压缩机运行十分钟/ }).click();
  const request = page.getByTestId("customer-request");
  await expect(request).toContainText("李先生");
  await expect(request).toContainText("the QR label on the machine");
  await request.getByRole("button", { name: "Accept request" }).click();
  await page.getByLabel("张伟 Zhang Wei").check();
  await page.getByRole("button", { name: "Dispatch" }).click();
  await expect(page.getByTestId("assignees")).toHaveText("张伟 Zhang Wei");
  await request.getByLabel("Tell the customer").fill("周二上午到，请准备好机房钥匙");
  await request.getByRole("button", { name: "Send to customer" }).click();
  await expect(page.getByTestId("new-requests")).toHaveCount(0);

  // The phone follows without a reload.
  await expect(phone.getByTestId("status")).toHaveText("已派技术员");
  await expect(phone.getByText("周二上午到，请准备好机房钥匙")).toBeVisible();
  await expect(phone.getByTestId("technician")).toHaveText("技术员: 张师傅");

  // The technician's tablet.
  const tabletBridge = await stack.device("tablet");
  const tablet = await context.newPage();
  await tablet.setViewportSize({ width: 768, height: 1024 });
  await tablet.goto(`/?bridge=${encodeURIComponent(tabletBridge)}`);
  await signIn(tablet, "zhang.wei");
  await tablet.getByRole("button", { name: /华北电力设备公司/ }).click();
  await tablet.getByRole("button", { name: "Accept" }).click();
  await tablet.getByRole("button", { name: "Start travel" }).click();
  await expect(phone.getByTestId("status")).toHaveText("技术员正在路上");
  await setPosition(tabletBridge, { lat: 39.9062, lon: 116.2231 });
  await tablet.getByRole("button", { name: "Check in" }).click();
  await expect(phone.getByTestId("status")).toHaveText("技术员已到达");
  for (const box of await tablet.locator(".checklist input[type=checkbox]").all()) {
    await box.check();
  }
  await tablet.getByRole("button", { name: "Complete" }).first().click();
  await tablet.getByLabel("What was done").fill("更换压缩机继电器");
  await tablet.getByRole("button", { name: "Complete" }).last().click();
  await expect(phone.getByTestId("status")).toHaveText("已完成");

  // The customer rates, once.
  await phone.getByRole("button", { name: "5/5" }).click();
  await phone.getByLabel("评价").fill("很快，很专业 <b>谢谢</b>");
  await phone.getByRole("button", { name: "提交评分" }).click();
  await expect(phone.getByTestId("rating")).toContainText("很快，很专业 <b>谢谢</b>");
  await phone.screenshot({ path: "test-results/portal-tracking-phone.png", fullPage: true });
  // A reload shows the same page.
  await phone.reload();
  await expect(phone.getByTestId("status")).toHaveText("已完成");
  await expect(phone.getByTestId("rating")).toContainText("感谢您的评价");

  // The rating is on the order in the supervisor's app, as the customer wrote it.
  await expect(page.getByTestId("customer-rating")).toContainText("★★★★★ 很快，很专业 <b>谢谢</b>");
  await page.screenshot({ path: "test-results/portal-order-desktop.png", fullPage: true });
  await phoneContext.close();
});

test("a revoked label says so in the customer's language", async ({ page, browser }) => {
  await signIn(page, "chen.jing");
  await createCustomer(page, "无锡新区热电", "一号厂房", "31.5", "120.3");
  await page.getByRole("tab", { name: "Equipment" }).click();
  await page.getByRole("button", { name: "+ New equipment" }).click();
  const form = page.getByRole("form", { name: "New equipment" });
  await form.getByLabel("Customer").selectOption({ label: "无锡新区热电" });
  await form.getByLabel("Name on site").fill("3号锅炉");
  await form.getByRole("button", { name: "Create" }).click();
  const machine = page.getByRole("article", { name: "3号锅炉" });
  await machine.getByRole("button", { name: "Show links" }).click();
  const url = await machine.getByLabel("Machine label").inputValue();
  page.once("dialog", (d) => void d.accept());
  await machine.getByRole("button", { name: "Stop the link" }).click();
  await expect(machine.getByRole("status")).toHaveText("The link is stopped: its labels no longer open the form.");

  const phoneContext = await browser.newContext({ viewport: { width: 360, height: 800 }, locale: "en-US" });
  const phone = await phoneContext.newPage();
  await phone.goto(url);
  await expect(phone.getByRole("alert")).toHaveText("This link is not valid (any more). Ask the service company for a new code or link.");
  await phone.getByRole("button", { name: "中文" }).click();
  await phone.goto(url.replace("#m/", "#c/"));
  await expect(phone.getByRole("alert")).toHaveText("此链接无效或已停用。请联系服务公司获取新的二维码或链接。");
  await phoneContext.close();
});
