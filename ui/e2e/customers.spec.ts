import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "@playwright/test";
import { expect, test } from "./stack";
import { drawnPicture, signIn } from "./steps";

// Customers as the office keeps them: a searchable list, several contacts and sites, a site
// picked on the map, the language of their reports; and the company's own letterhead.

/** On the customers tab: a new customer with one site (latitude typed with a decimal comma)
 * and, if given, a contact; the editor then opens on it. */
async function newCustomer(page: Page, name: string, site: string, contact?: [string, string]) {
  await page.getByRole("button", { name: "+ New customer" }).click();
  const form = page.getByRole("form", { name: "New customer" });
  await form.getByLabel("Customer", { exact: true }).fill(name);
  await form.getByLabel("Site name").fill(site);
  await form.getByLabel("Latitude").fill("31,2036");
  await form.getByLabel("Longitude").fill("121.5906");
  if (contact) {
    await form.getByRole("button", { name: "Add contact" }).click();
    await form.getByTestId("contact").getByRole("textbox", { name: "Contact", exact: true }).fill(contact[0]);
    await form.getByTestId("contact").getByLabel("Role").fill(contact[1]);
  }
  await form.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("form", { name: "Edit customer" }).getByLabel("Customer", { exact: true })).toHaveValue(name);
}

test("the customer list searches contacts and sites, and a customer gets contacts and a site picked on the map", async ({ page }) => {
  await signIn(page, "chen.jing");
  await page.getByRole("tab", { name: "Customers" }).click();
  await expect(page.getByText("No customers yet.")).toBeVisible();
  await newCustomer(page, "上海华东医疗设备有限公司", "张江工厂", ["Sarah Chen", "Plant manager"]);
  await newCustomer(page, "北京精工仪器厂", "亦庄生产基地");
  const table = page.getByRole("table", { name: "Customers" });
  await expect(table.locator("tbody tr")).toHaveCount(2);
  // A contact's name finds their company.
  const search = page.getByLabel("Search customers, contacts, sites");
  await search.fill("sarah");
  await expect(table.locator("tbody tr")).toHaveCount(1);
  await expect(table.locator("tbody tr")).toContainText("Sarah Chen · Plant manager");
  await search.fill("亦庄");
  await expect(table.locator("tbody tr")).toHaveText(/北京精工仪器厂/);
  await search.fill("nobody-like-this");
  await expect(page.getByText("No customer matches.")).toBeVisible();
  await search.fill("");
  await expect(table.locator("tbody tr")).toHaveCount(2);

  await table.getByRole("row", { name: /上海华东医疗设备有限公司/ }).click();
  const form = page.getByRole("form", { name: "Edit customer" });
  await expect(form.getByLabel("Customer", { exact: true })).toHaveValue("上海华东医疗设备有限公司");
  await expect(form.getByTestId("contact")).toHaveCount(1);
  await form.getByRole("button", { name: "Add contact" }).click();
  const added = form.getByTestId("contact").nth(1);
  await added.getByRole("textbox", { name: "Contact", exact: true }).fill("刘洋");
  await added.getByLabel("Role").fill("设备工程师");
  await added.getByLabel("Phone").fill("+86 139 0000 1111");
  await added.getByLabel("E-mail").fill("liu.yang@example");
  // The core refuses the malformed address in the user's words, and nothing typed is lost.
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("alert")).toContainText("E-mail");
  await expect(added.getByRole("textbox", { name: "Contact", exact: true })).toHaveValue("刘洋");
  await added.getByLabel("E-mail").fill("liu.yang@example.com");

  // A second site, its position picked on the map.
  await form.getByRole("button", { name: "Add site" }).click();
  const site = form.getByTestId("site").nth(1);
  await site.getByLabel("Site name").fill("二号仓库");
  await site.getByRole("button", { name: "Pick on the map" }).click();
  const map = site.getByTestId("map");
  await expect(map).toBeVisible();
  await map.click({ position: { x: 120, y: 100 } });
  await expect(map).not.toHaveAttribute("data-picked", "");
  const picked = (await map.getAttribute("data-picked"))!.split(",");
  await expect(site.getByLabel("Latitude")).toHaveValue(picked[0]);
  await expect(site.getByLabel("Longitude")).toHaveValue(picked[1]);
  await form.getByLabel("Service report language").selectOption({ label: "English" });
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("alert")).toHaveCount(0);

  // Stored: the list shows both sites and finds the new contact; the editor shows what was saved.
  await expect(table.getByRole("row", { name: /上海华东医疗设备有限公司/ })).toContainText("二号仓库");
  await search.fill("刘洋");
  await expect(table.locator("tbody tr")).toHaveCount(1);
  await page.reload();
  await page.getByRole("tab", { name: "Customers" }).click();
  await page.getByRole("table", { name: "Customers" }).getByRole("row", { name: /上海华东医疗设备有限公司/ }).click();
  const again = page.getByRole("form", { name: "Edit customer" });
  await expect(again.getByTestId("contact")).toHaveCount(2);
  await expect(again.getByTestId("contact").nth(1).getByLabel("E-mail")).toHaveValue("liu.yang@example.com");
  await expect(again.getByTestId("site").nth(0).getByLabel("Latitude")).toHaveValue("31.2036");
  await expect(again.getByTestId("site").nth(1).getByLabel("Latitude")).toHaveValue(String(Number(picked[0])));
  await expect(again.getByLabel("Service report language")).toHaveValue("en");
});

test("the administrator sets the company's letterhead with a logo", async ({ page }) => {
  await signIn(page, "admin");
  await page.getByRole("tab", { name: "Order templates" }).click();
  const section = page.getByRole("region", { name: "Company on reports" });
  // A new company prints its tenant id until someone names it.
  await expect(section.getByLabel("Company name")).toHaveValue("");
  await section.getByLabel("Company name").fill("华东智能装备服务有限公司");
  const logo = await drawnPicture(page, 1200, 300, "#1565c0", "image/png");
  await section.getByText("Choose logo…").locator("input").setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: Buffer.from(logo, "base64") });
  await section.getByLabel("Address").fill("上海市浦东新区张江路 99 号");
  await section.getByRole("button", { name: "Save" }).click();
  await expect(section.getByRole("status")).toHaveText(/Saved/);
  // The core scaled the picture down to fit the letterhead before storing it.
  const stored = section.getByRole("img", { name: "Logo" });
  await expect(stored).toBeVisible();
  await expect.poll(() => stored.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(600);
  await page.reload();
  await page.getByRole("tab", { name: "Order templates" }).click();
  // The working day the dispatch board measures in; an impossible one is refused in words.
  const day = page.getByRole("region", { name: "Working day" });
  await day.getByLabel("Starts").fill("17:00");
  await day.getByLabel("Ends").fill("09:00");
  await day.getByRole("button", { name: "Save" }).click();
  await expect(day.getByRole("alert")).toContainText("A working day starts before it ends");
  await day.getByLabel("Starts").fill("09:00");
  await day.getByLabel("Ends").fill("17:00");
  await day.getByRole("button", { name: "Save" }).click();
  await expect(day.getByRole("status")).toContainText("Saved");
  await page.getByRole("tab", { name: "Dispatch board" }).click();
  await expect(page.locator(".schedule-axis .tick").first()).toHaveText("09:00");
  await expect(page.locator(".schedule-axis .tick")).toHaveCount(8);
  await page.getByRole("tab", { name: "Order templates" }).click();
  const reloaded = page.getByRole("region", { name: "Company on reports" });
  await expect(reloaded.getByLabel("Address")).toHaveValue("上海市浦东新区张江路 99 号");
  await expect(reloaded.getByLabel("Company name")).toHaveValue("华东智能装备服务有限公司");
});

// A Nominatim-compatible geocoding service cannot run here (it needs the planet's data), so
// this test answers the one search the device makes, in the service's own format.
test("with a geocoding service configured, a typed address is found and sets the site's position", async ({ page, stack }) => {
  const asked: string[] = [];
  const service = createServer((req, res) => {
    asked.push(req.url ?? "");
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify([{ display_name: "蔡伦路 88 号, 张江镇, 浦东新区, 上海市, 中国", lat: "31.2036", lon: "121.5906" }]));
  });
  await new Promise<void>((ok) => service.listen(0, "127.0.0.1", ok));
  const device = await stack.device("geocoding-desk", { FIELDOPS_GEOCODER_URL: `http://127.0.0.1:${(service.address() as AddressInfo).port}` });
  await page.goto(`/?bridge=${encodeURIComponent(device)}`);
  await signIn(page, "chen.jing");
  await page.getByRole("tab", { name: "Customers" }).click();
  await page.getByRole("button", { name: "+ New customer" }).click();
  const form = page.getByRole("form", { name: "New customer" });
  await form.getByLabel("Customer", { exact: true }).fill("上海华东医疗设备有限公司");
  await form.getByLabel("Site name").fill("张江工厂");
  await form.getByLabel("Address").fill("蔡伦路 88 号");
  await form.getByRole("button", { name: "Find on map service" }).click();
  await form.getByRole("list", { name: "Places found" }).getByRole("button", { name: /蔡伦路 88 号, 张江镇/ }).click();
  await expect(form.getByLabel("Latitude")).toHaveValue("31.203600");
  await expect(form.getByLabel("Longitude")).toHaveValue("121.590600");
  expect(asked[0]).toContain("/search?format=jsonv2&q=");
  await form.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("form", { name: "Edit customer" }).getByLabel("Latitude")).toHaveValue("31.2036");
  service.close();
});
