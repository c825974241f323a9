import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "./App";
import { mockBackend, MOCK_PASSWORD } from "./backend/mock";

async function signIn(login: string, backend = mockBackend()) {
  const user = userEvent.setup();
  render(<App backend={backend} lang="en" />);
  const company = await screen.findByLabelText("Company");
  await waitFor(() => expect(company).toHaveValue("demo"));
  await user.type(screen.getByLabelText("Login"), login);
  await user.type(screen.getByLabelText("Password"), MOCK_PASSWORD);
  await user.click(screen.getByRole("button", { name: "Sign in" }));
  return { user, backend };
}

describe("login", () => {
  it("shows the server's error for a wrong password and stays on the form", async () => {
    const user = userEvent.setup();
    render(<App backend={mockBackend()} lang="en" />);
    await user.type(await screen.findByLabelText("Login"), "chen.jing");
    await user.type(screen.getByLabelText("Password"), "wrong");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("wrong company, login or password [bad_credentials]");
    expect(screen.getByRole("button", { name: "Sign in" })).toBeEnabled();
  });

  it("opens the supervisor view for a supervisor", async () => {
    await signIn("chen.jing");
    expect(await screen.findByTestId("user")).toHaveTextContent("Supervisor");
    expect(screen.getByRole("button", { name: "+ New order" })).toBeInTheDocument();
  });
});

describe("supervisor", () => {
  it("creates a customer and an order, dispatches it, and the list shows it", async () => {
    const { user } = await signIn("chen.jing");
    await user.click(await screen.findByRole("button", { name: "+ New customer" }));
    const cform = screen.getByRole("form", { name: "New customer" });
    await user.type(within(cform).getByLabelText("Customer"), "上海华东医疗");
    await user.type(within(cform).getByLabelText("Site name"), "Plant 1");
    await user.type(within(cform).getByLabelText("Latitude"), "31.2");
    await user.type(within(cform).getByLabelText("Longitude"), "121.5");
    await user.click(within(cform).getByRole("button", { name: "Create" }));

    const oform = await screen.findByRole("form", { name: "New order" });
    await user.selectOptions(await within(oform).findByLabelText("Customer"), "上海华东医疗");
    await user.type(within(oform).getByLabelText("Description"), "Cooling pump alarm");
    await user.click(within(oform).getByRole("button", { name: "Create" }));

    expect(await screen.findByRole("region", { name: "Cooling pump alarm" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Dispatch" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Choose at least one technician");
    await user.click(screen.getByLabelText("张伟 Zhang Wei"));
    await user.click(screen.getByRole("button", { name: "Dispatch" }));
    expect(await screen.findByTestId("assignees")).toHaveTextContent("张伟 Zhang Wei");
    const row = (await screen.findAllByRole("row"))[1];
    expect(row).toHaveTextContent("Dispatched");
    expect(screen.getByTestId("pending")).toHaveTextContent("2 waiting to send");
  });

  it("refuses a customer with an impossible latitude and shows why", async () => {
    const { user } = await signIn("chen.jing");
    await user.click(await screen.findByRole("button", { name: "+ New customer" }));
    const cform = screen.getByRole("form", { name: "New customer" });
    await user.type(within(cform).getByLabelText("Customer"), "X");
    await user.type(within(cform).getByLabelText("Site name"), "Y");
    await user.type(within(cform).getByLabelText("Latitude"), "95");
    await user.type(within(cform).getByLabelText("Longitude"), "10");
    await user.click(within(cform).getByRole("button", { name: "Create" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("latitude 95 is outside -90..90");
  });
});

describe("sync state and language", () => {
  it("shows offline state, the pending count and the sync error in words", async () => {
    const { user, backend } = await signIn("chen.jing");
    await screen.findByTestId("syncbar");
    backend.setOffline(true);
    expect(await screen.findByTestId("offline-banner")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Sync now" }));
    expect(await screen.findByTestId("sync-error")).toHaveTextContent("connection refused");
    backend.setOffline(false);
    await user.click(screen.getByRole("button", { name: "Sync now" }));
    expect(screen.queryByTestId("offline-banner")).not.toBeInTheDocument();
  });

  it("switches to Chinese at runtime", async () => {
    const { user } = await signIn("chen.jing");
    await user.click(await screen.findByTestId("language"));
    expect(await screen.findByRole("button", { name: "+ 新建工单" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "退出登录" })).toBeInTheDocument();
  });
});
