import type { Page } from "@playwright/test";
import { expect, PASSWORD } from "./stack";

// Steps several browser tests take, written once.

/** The demo's supervisor and administrator: their home is the dashboard. */
const MANAGERS = ["chen.jing", "admin"];

/**
 * Sign in to the demo company as `login` and wait for the app to open. A manager lands on the
 * dashboard; the step then opens the order list, where the tests that sign in start.
 */
export async function signIn(page: Page, login: string, password = PASSWORD) {
  await expect(page.getByLabel("Company")).toHaveValue("demo");
  await page.getByLabel("Login").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("user")).toBeVisible();
  if (MANAGERS.includes(login)) {
    await expect(page.getByRole("tab", { name: "Dashboard" })).toHaveAttribute("aria-selected", "true");
    await expect(page.getByTestId("tile-open")).toBeVisible();
    await page.getByRole("tab", { name: "Orders" }).click();
  }
}

/** "+ New customer" with one site (and a region, if given); the app then opens the new-order form. */
export async function createCustomer(page: Page, name: string, site: string, lat: string, lon: string, region?: string, phone?: string) {
  await page.getByRole("button", { name: "+ New customer" }).click();
  const form = page.getByRole("form", { name: "New customer" });
  await form.getByLabel("Customer").fill(name);
  if (region) await form.getByLabel("Region").fill(region);
  if (phone) await form.getByLabel("Phone").fill(phone);
  await form.getByLabel("Site name").fill(site);
  await form.getByLabel("Latitude").fill(lat);
  await form.getByLabel("Longitude").fill(lon);
  await form.getByRole("button", { name: "Create" }).click();
  // The order form opens next with the new customer already chosen.
  await expect(page.getByRole("form", { name: "New order" }).getByLabel("Customer").locator("option:checked")).toHaveText(name);
}

/** With the new-order form open: an order for `customer` with `description`, dispatched to 张伟. */
export async function orderForZhangWei(page: Page, customer: string, description: string) {
  const oform = page.getByRole("form", { name: "New order" });
  await oform.getByLabel("Customer").selectOption({ label: customer });
  await oform.getByLabel("Description").fill(description);
  await oform.getByRole("button", { name: "Create" }).click();
  await page.getByLabel("张伟 Zhang Wei").check();
  await page.getByRole("button", { name: "Dispatch" }).click();
  await expect(page.getByTestId("assignees")).toHaveText("张伟 Zhang Wei");
}

/** A picture drawn in the page, as a camera or a file picker would give one: base64 without
 * its data: prefix. */
export async function drawnPicture(page: Page, width: number, height: number, colour: string, type = "image/jpeg"): Promise<string> {
  return page.evaluate(
    ([w, h, fill, mime]) => {
      const c = document.createElement("canvas");
      c.width = Number(w);
      c.height = Number(h);
      const g = c.getContext("2d")!;
      g.fillStyle = String(fill);
      g.fillRect(0, 0, c.width, c.height);
      return c.toDataURL(String(mime)).split(",")[1];
    },
    [width, height, colour, type],
  );
}
