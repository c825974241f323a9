import { expect, test } from "./stack";
import { createCustomer, orderForZhangWei, signIn } from "./steps";

// The knowledge base against the real stack, on two devices: the supervisor writes and
// publishes a fault entry with a PDF and dispatches an order; the technician's tablet finds the
// entry by a two-character Chinese query, opens the PDF, sees it among the order's possible
// solutions and marks it as the fix; the supervisor's device then counts the fix.

test("a published fault entry is found on the tablet, fixes an order and counts it", async ({ page, stack, context }) => {
  test.setTimeout(150_000);
  await signIn(page, "chen.jing");
  await page.getByRole("tab", { name: "Knowledge base" }).click();
  await page.getByRole("button", { name: "New fault entry" }).click();
  const form = page.getByRole("form", { name: "New fault entry" });
  await form.getByLabel("Title").fill("E07 压缩机过热停机");
  await form.getByLabel("Fault code").fill("E07");
  await form.getByLabel(/^Symptom/).fill("压缩机运行十分钟后过热停机");
  await form.getByLabel(/^Causes/).fill("冷凝器脏堵\n冷却水流量不足");
  await form.getByLabel(/^Solution steps/).fill("停机断电\n清洗冷凝器\n检查冷却水泵");
  await form.getByLabel(/^Equipment models/).fill("CH-200");
  // Markdown with HTML is refused with words, and nothing is saved.
  await form.getByLabel(/^Notes/).fill("<script>alert(1)</script>");
  await form.getByRole("button", { name: "Save and publish" }).click();
  await expect(page.getByRole("alert")).toContainText("cannot contain HTML");
  await form.getByLabel(/^Notes/).fill("See the **manual** before opening the unit.");
  await form.getByRole("button", { name: "Save and publish" }).click();
  const entry = page.getByTestId("entry");
  await expect(entry.getByRole("heading", { level: 2 })).toContainText("E07 压缩机过热停机");
  await expect(entry).toContainText("Published");
  await expect(entry.locator(".markdown strong")).toHaveText("manual");
  const pdf = Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n${"x".repeat(5000)}\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
  await entry.getByLabel(/Add a PDF or picture/).setInputFiles({ name: "CH-200 手册.pdf", mimeType: "application/pdf", buffer: pdf });
  await expect(entry.getByRole("button", { name: "CH-200 手册.pdf" })).toBeVisible();
  // An executable is refused with what to do.
  await entry.getByLabel(/Add a PDF or picture/).setInputFiles({ name: "setup.exe", mimeType: "application/octet-stream", buffer: Buffer.from("MZ\x90\x00") });
  await expect(page.getByRole("alert")).toContainText("Only PDF files and pictures");

  // An order for 张伟 about the same machine's fault.
  await page.getByRole("tab", { name: /Orders/ }).click();
  await createCustomer(page, "华北电力设备公司", "石景山电厂", "39.9062", "116.2231");
  await orderForZhangWei(page, "华北电力设备公司", "压缩机过热停机，显示 E07");
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByTestId("pending")).toHaveText("All changes sent");

  // The technician's tablet, in Chinese.
  const tabletBridge = await stack.device("tablet");
  const tablet = await context.newPage();
  await tablet.setViewportSize({ width: 768, height: 1024 });
  await tablet.goto(`/?bridge=${encodeURIComponent(tabletBridge)}`);
  await signIn(tablet, "zhang.wei");
  await tablet.getByRole("button", { name: "Knowledge base" }).click();
  await tablet.getByRole("searchbox", { name: "Search the knowledge base" }).fill("过热");
  const hit = tablet.getByRole("list", { name: "Search results" }).getByRole("button", { name: /E07 压缩机过热停机/ });
  await expect(hit.locator("mark").first()).toHaveText("过热");
  await hit.click();
  const read = tablet.getByTestId("entry");
  await expect(read).toContainText("清洗冷凝器");
  await expect(read.getByRole("button", { name: "Publish" })).toHaveCount(0);
  await read.getByRole("button", { name: "CH-200 手册.pdf" }).click();
  await expect(read.getByTestId("opened-attachment")).toContainText("CH-200 手册.pdf");
  await tablet.screenshot({ path: "test-results/knowledge-tablet.png", fullPage: true });
  await tablet.getByRole("button", { name: "Knowledge base" }).click();

  await tablet.getByRole("button", { name: /华北电力设备公司/ }).click();
  await tablet.getByRole("button", { name: "Accept" }).click();
  const solutions = tablet.getByTestId("solutions");
  await expect(solutions).toContainText("E07 压缩机过热停机");
  await solutions.getByRole("button", { name: "This fixed it" }).click();
  await expect(solutions.getByTestId("fixed-with")).toContainText("E07 压缩机过热停机");
  await tablet.getByRole("button", { name: "Sync now" }).click();
  await expect(tablet.getByTestId("pending")).toHaveText("All changes sent");

  // The supervisor's device counts the fix on the entry.
  await page.getByRole("button", { name: "Sync now" }).click();
  await page.getByRole("tab", { name: "Knowledge base" }).click();
  await page.getByRole("searchbox", { name: "Search the knowledge base" }).fill("E07");
  await page.getByRole("list", { name: "Search results" }).getByRole("button", { name: /E07 压缩机过热停机/ }).click();
  await expect(page.getByTestId("fix-count")).toHaveText("fixed 1 order");
  await page.screenshot({ path: "test-results/knowledge-desktop.png", fullPage: true });
});

test("a supervisor imports Markdown with its PDF, and a bad file is listed with its reason", async ({ page }) => {
  await signIn(page, "chen.jing");
  await page.getByRole("tab", { name: "Knowledge base" }).click();
  await page.getByRole("button", { name: "Import" }).click();
  const files = page.getByLabel("Import files or a ZIP");
  const pdf = Buffer.from("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");
  // One bad file: nothing is imported, and the file is named with what to do.
  await files.setInputFiles([
    { name: "guide.md", mimeType: "text/markdown", buffer: Buffer.from("---\ntitle: 水泵安装指南\ntags: [水泵]\n---\n见[安装手册](pump.pdf)。\n") },
    { name: "pump.pdf", mimeType: "application/pdf", buffer: pdf },
    { name: "bad.md", mimeType: "text/markdown", buffer: Buffer.from("# Bad\n\n<iframe src=x></iframe>") },
  ]);
  const problems = page.getByTestId("import-problems");
  await expect(problems).toContainText("Nothing was imported");
  await expect(problems).toContainText("bad.md");
  await expect(problems).toContainText("cannot contain HTML");
  await expect(page.getByRole("list", { name: "Search results" }).getByRole("listitem")).toHaveCount(0);
  await files.setInputFiles([
    { name: "guide.md", mimeType: "text/markdown", buffer: Buffer.from("---\ntitle: 水泵安装指南\ntags: [水泵]\n---\n见[安装手册](pump.pdf)。\n") },
    { name: "pump.pdf", mimeType: "application/pdf", buffer: pdf },
  ]);
  await expect(page.getByTestId("import-done")).toHaveText("Imported 1 entry with 1 attachment(s).");
  await page.getByRole("searchbox", { name: "Search the knowledge base" }).fill("水泵");
  await page.getByRole("list", { name: "Search results" }).getByRole("button", { name: /水泵安装指南/ }).click();
  const entry = page.getByTestId("entry");
  await expect(entry.getByRole("button", { name: "pump.pdf" })).toBeVisible();
  await entry.getByRole("link", { name: "安装手册" }).click();
  await expect(entry.getByTestId("opened-attachment")).toContainText("pump.pdf");
});
