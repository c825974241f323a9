import { callDevice, expect, PASSWORD, test } from "./stack";

type Progress = { received: number; total: number } | null;

// A new device's first sync comes in pages by scope (docs/PROTOCOL.md, "First sync"). The
// server here sends 2 documents per page, so that a company of 150 customers takes long
// enough to watch and to cut off in the middle.
test("a new device's first sync shows how far it has come and, cut off, goes on where it stopped", async ({ page, stack }) => {
  stack.serverArgs = ["--catch-up-page", "2"];
  await stack.stopServer();
  await stack.startServer();
  // The supervisor's desktop already holds the company: 150 customers.
  const desk = await stack.device("desk");
  await callDevice(desk, "login", { serverUrl: stack.serverUrl, tenant: "demo", login: "chen.jing", password: PASSWORD });
  for (let i = 0; i < 150; i++) {
    await callDevice(desk, "create_customer", {
      input: {
        name: `客户 ${String(i).padStart(3, "0")}`,
        phone: "",
        region: "华北",
        sites: [{ id: null, name: "HQ", address: "北京市朝阳区", lat: 39.9042, lon: 116.4074, geofence_m: null }],
        contacts: [],
        report_language: "zh",
      },
    });
  }
  await callDevice(desk, "sync_now");

  // A new tablet signs in: the bar counts what has arrived of everything there is.
  await page.getByLabel("Login").fill("chen.jing");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  const progress = page.getByTestId("first-sync");
  await expect(progress).toContainText(/First sync: \d+ of 151 records received/);
  await stack.stopServer();

  // The app is closed and opened again, still without network: what arrived is kept, and the
  // first sync knows where it stopped.
  const bridge = await stack.restartDevice("device-a");
  const stopped = ((await callDevice(bridge, "sync_status")) as { first_sync: Progress }).first_sync;
  expect(stopped).not.toBeNull();
  expect(stopped!.total).toBe(151);
  expect(stopped!.received).toBeGreaterThan(0);
  expect(stopped!.received).toBeLessThan(151);
  await page.goto(`/?bridge=${encodeURIComponent(bridge)}`);
  await expect(progress).toContainText(`First sync: ${stopped!.received} of 151 records received`);
  await page.screenshot({ path: "test-results/first-sync-cut-off.png" });
  await page.getByTestId("language").click();
  await expect(progress).toContainText(`首次同步：已接收 ${stopped!.received} / 151 条记录`);
  await page.screenshot({ path: "test-results/first-sync-cut-off-zh.png" });
  await page.getByTestId("language").click();

  // The network is back: the password alone goes on from there, and everything arrives.
  await stack.startServer();
  const resume = page.getByRole("form", { name: "Sign in to sync" });
  await resume.getByLabel("Password").fill(PASSWORD);
  await resume.getByRole("button", { name: "Sign in to sync" }).click();
  await expect(resume).toBeHidden();
  await expect(progress).toBeHidden({ timeout: 30_000 });
  const customers = (await callDevice(bridge, "list_customers")) as { name: string }[];
  expect(customers).toHaveLength(150);
  expect(customers.map((c) => c.name)).toContain("客户 149");
});
