import type { Page } from "@playwright/test";
import { expect, test } from "./stack";
import { createCustomer, signIn } from "./steps";

// Maps that are never a blank grid, and Chinese tile services drawn in their own coordinates.

/** On the customers tab: a customer whose site is at a published WGS-84 reference point. */
async function customerAtReferencePoint(page: Page) {
  await page.getByRole("tab", { name: "Customers" }).click();
  await page.getByRole("button", { name: "+ New customer" }).click();
  const form = page.getByRole("form", { name: "New customer" });
  await form.getByLabel("Customer", { exact: true }).fill("上海精密仪器有限公司");
  await form.getByLabel("Site name").fill("浦东工厂");
  await form.getByLabel("Latitude").fill("31.1774276");
  await form.getByLabel("Longitude").fill("121.5272106");
  await form.getByRole("button", { name: "Create" }).click();
  return page.getByRole("form", { name: "Edit customer" });
}

test("without tiles the map shows countries and provinces by name, in the user's language", async ({ page }) => {
  await signIn(page, "chen.jing");
  // The standing notice is one short sentence; the whole story is behind "Details".
  const note = page.getByRole("note");
  await expect(note).toContainText("Development bridge: sign-in in memory only.");
  const story = note.locator("details > span");
  await expect(story).toBeHidden();
  await note.getByText("Details").click();
  await expect(story).toBeVisible();
  await expect(story).toContainText("the local data is not encrypted");
  await page.getByRole("tab", { name: "Map" }).click();
  const map = page.getByRole("img", { name: "Map" });
  await expect(map).toHaveClass(/plain/);
  await expect(map.locator(".map-label.country", { hasText: /^China$/ })).toBeVisible();
  await expect(map.locator(".map-label.province", { hasText: /^Sichuan$/ })).toBeHidden();
  await map.getByRole("button", { name: "Zoom in" }).click();
  await map.getByRole("button", { name: "Zoom in" }).click();
  await expect(map.locator(".map-label.province", { hasText: /^Sichuan$/ })).toBeVisible();
  // Boundaries are drawn: every country and province is a path on the base pane.
  expect(await map.locator(".leaflet-base-pane path").count()).toBeGreaterThan(200);
  await page.screenshot({ path: "test-results/base-map-en.png" });
  await page.getByRole("button", { name: "中文" }).click();
  await expect(page.getByRole("img", { name: "地图" }).locator(".map-label.province", { hasText: /^四川省$/ })).toBeVisible();
  await page.screenshot({ path: "test-results/base-map-zh.png" });
});

test("with a GCJ-02 tile service points are drawn shifted and a pick is stored as WGS-84", async ({ page }) => {
  await signIn(page, "admin");
  await page.getByRole("tab", { name: "Order templates" }).click();
  const tiles = page.getByRole("region", { name: "Map tiles" });
  // A URL that is no tile template is refused in words.
  await tiles.getByLabel("Tile URL").fill("https://tiles.example.com/map.png");
  await tiles.getByRole("button", { name: "Save" }).click();
  await expect(tiles.getByRole("alert")).toContainText("Tile URL");
  // Tiles that never load here (nothing listens): the conversion is what is checked.
  await tiles.getByLabel("Tile URL").fill("http://127.0.0.1:9/{z}/{x}/{y}.png");
  await tiles.getByLabel("Coordinate system").selectOption("gcj02");
  await tiles.getByRole("button", { name: "Save" }).click();
  await expect(tiles.getByRole("status")).toContainText("Saved");

  const form = await customerAtReferencePoint(page);
  await form.getByRole("button", { name: "Pick on the map" }).click();
  const map = form.getByTestId("map");
  await expect(map).toHaveAttribute("data-crs", "gcj02");
  // The site is drawn where a GCJ-02 map has it: the published pair of this point.
  await expect(map).toHaveAttribute("data-drawn", "31.175304,121.531542");
  // The map is centred on the site: a click there picks the site's own WGS-84 position back.
  const box = (await map.boundingBox())!;
  await map.click({ position: { x: box.width / 2, y: box.height / 2 } });
  await expect(map).not.toHaveAttribute("data-picked", "");
  const lat = Number(await form.getByLabel("Latitude").inputValue());
  const lon = Number(await form.getByLabel("Longitude").inputValue());
  expect(Math.abs(lat - 31.1774276)).toBeLessThan(0.0001);
  expect(Math.abs(lon - 121.5272106)).toBeLessThan(0.0001);

  // Back to WGS-84 tiles: drawn where stored.
  await page.getByRole("tab", { name: "Order templates" }).click();
  await tiles.getByRole("button", { name: "Use the built-in base map only" }).click();
  await expect(tiles.getByRole("status")).toContainText("Saved");
  await page.getByRole("tab", { name: "Customers" }).click();
  await page.getByRole("table", { name: "Customers" }).getByRole("row", { name: /上海精密仪器有限公司/ }).click();
  const again = page.getByRole("form", { name: "Edit customer" });
  await again.getByRole("button", { name: "Pick on the map" }).click();
  await expect(again.getByTestId("map")).toHaveAttribute("data-crs", "wgs84");
  await expect(again.getByTestId("map")).toHaveAttribute("data-drawn", /^31\.177\d+,121\.527\d+$/);
});

test("sites that overlap at country scale are grouped with their count; a click on the group zooms in", async ({ page }) => {
  await signIn(page, "chen.jing");
  // Three sites within a kilometre in Shanghai, one in Beijing: the map spans the country.
  const sites: [string, string, string][] = [
    ["上海一厂", "31.2036", "121.5906"],
    ["上海二厂", "31.2066", "121.5936"],
    ["上海三厂", "31.2006", "121.5876"],
    ["北京工厂", "39.9087", "116.3975"],
  ];
  for (const [name, lat, lon] of sites) {
    await createCustomer(page, name, name, lat, lon);
    const oform = page.getByRole("form", { name: "New order" });
    await oform.getByLabel("Description").fill(`${name} 设备检查`);
    await oform.getByRole("button", { name: "Create" }).click();
    await expect(page.getByTestId("order-number")).toBeVisible();
  }
  await page.getByRole("tab", { name: "Map" }).click();
  const map = page.getByRole("img", { name: "Map" });
  await expect(map).toHaveAttribute("data-points", "4");
  const group = map.locator(".map-cluster");
  await expect(group).toHaveCount(1);
  await expect(group).toHaveText("3");
  await page.screenshot({ path: "test-results/map-grouped.png" });
  await group.click();
  // Zoomed in on Shanghai: the three sites apart (and Beijing's, out of view), no group left.
  await expect(map.locator(".map-cluster")).toHaveCount(0);
  await expect(map.locator("path.leaflet-interactive")).toHaveCount(4);
  // Zoomed in, a corner says where the map is: the nearest city (Shanghai is its own province).
  await expect(map.locator(".map-where")).toHaveText("near Shanghai, China");
  // A sync reloads the map's data: the view the person chose stays.
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByTestId("pending")).toHaveText("All changes sent");
  await expect(map.locator(".map-cluster")).toHaveCount(0);
  await expect(map.locator(".map-where")).toHaveText("near Shanghai, China");
  // Zooming out, the city itself is named on the map.
  const shanghai = map.locator(".map-label.city", { hasText: /^Shanghai$/ });
  for (let i = 0; i < 5 && !(await shanghai.isVisible()); i++) await map.getByRole("button", { name: "Zoom out" }).click();
  await expect(shanghai).toBeVisible();
  await page.getByRole("button", { name: "中文" }).click();
  await expect(page.getByRole("img", { name: "地图" }).locator(".map-label.city", { hasText: /^上海$/ })).toBeVisible();
});
