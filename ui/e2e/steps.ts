import type { Page } from "@playwright/test";
import { expect, PASSWORD } from "./stack";

// Steps several browser tests take, written once.

/** Sign in to the demo company as `login` and wait for the app to open. */
export async function signIn(page: Page, login: string, password = PASSWORD) {
  await expect(page.getByLabel("Company")).toHaveValue("demo");
  await page.getByLabel("Login").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("user")).toBeVisible();
}

/** "+ New customer" with one site; the app then opens the new-order form. */
export async function createCustomer(page: Page, name: string, site: string, lat: string, lon: string) {
  await page.getByRole("button", { name: "+ New customer" }).click();
  const form = page.getByRole("form", { name: "New customer" });
  await form.getByLabel("Customer").fill(name);
  await form.getByLabel("Site name").fill(site);
  await form.getByLabel("Latitude").fill(lat);
  await form.getByLabel("Longitude").fill(lon);
  await form.getByRole("button", { name: "Create" }).click();
}
