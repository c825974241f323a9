import { mails, smtpSink } from "./mail";
import { expect, test } from "./stack";
import { signIn } from "./steps";

// An administrator adds a person by e-mail; the e-mail (a real SMTP server) carries a link
// to the server's own page, where the person chooses their password; they then sign in on
// their own device, and the link does not work a second time.
test("a person added by e-mail chooses their own password through the link and signs in", async ({ page, stack, context }) => {
  test.setTimeout(120_000);
  const box = await smtpSink();
  try {
    await page.setViewportSize({ width: 1280, height: 800 });
    await signIn(page, "admin");
    await page.getByRole("tab", { name: "Notifications" }).click();
    const email = page.getByTestId("channel-email");
    await email.getByLabel("SMTP server").fill("127.0.0.1");
    await email.getByLabel("Port").fill(String(box.port));
    await email.getByLabel("Security").selectOption("none");
    await email.getByLabel("Sender").fill("FieldOps <accounts@example.com>");
    await email.getByRole("button", { name: "Save" }).click();
    await expect(email.getByText("Set up", { exact: true })).toBeVisible();

    await page.getByRole("tab", { name: "People & devices" }).click();
    const add = page.getByRole("form", { name: "Add a person" });
    await add.getByLabel("They choose it: send a link by e-mail").check();
    await expect(add.getByLabel("First password (8+ characters)")).toHaveCount(0);
    await add.getByLabel("Name").fill("Li Hua");
    await add.getByLabel("Login").fill("li.hua");
    await add.getByRole("textbox", { name: "E-mail" }).fill("li.hua@example");
    await add.getByLabel("Message language").selectOption("en");
    await add.getByRole("button", { name: "Add and send the link" }).click();
    await expect(add.getByRole("alert")).toHaveText("E-mail address is not in the right form: check it and type it again.");
    await add.getByRole("textbox", { name: "E-mail" }).fill("li.hua@example.com");
    await add.getByRole("button", { name: "Add and send the link" }).click();
    await expect(page.getByRole("status")).toContainText("Li Hua was sent a link to choose a password at li.hua@example.com; it works until");
    const li = page.getByTestId("person-li.hua");
    await expect(li).toContainText("li.hua@example.com");
    await expect(li.getByRole("button", { name: "E-mail a password link" })).toBeVisible();
    await page.screenshot({ path: "test-results/invite-en-1280.png", fullPage: true });

    await expect.poll(() => mails(box).filter((m) => m.to[0] === "li.hua@example.com").length, { timeout: 20_000 }).toBe(1);
    const mail = mails(box).find((m) => m.to[0] === "li.hua@example.com")!;
    expect(mail.subject).toBe("FieldOps: choose your password");
    expect(mail.body).toContain("Login: li.hua");
    const link = /http:\/\/\S+\/invite#[0-9a-f]{64}/.exec(mail.body)?.[0];
    expect(link).toBeTruthy();

    // The person's phone opens the link: the server's own page, in both languages.
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 360, height: 800 });
    await phone.goto(link!);
    await phone.getByLabel(/New password/).fill("li hua 2026!");
    await phone.getByLabel(/The same again/).fill("li hua 2026?");
    await phone.getByRole("button", { name: /Set password/ }).click();
    await expect(phone.getByRole("status")).toContainText("The two passwords differ.");
    await phone.getByLabel(/The same again/).fill("li hua 2026!");
    await phone.getByRole("button", { name: /Set password/ }).click();
    await expect(phone.getByRole("status")).toContainText("Sign in to the FieldOps app with company id “demo”, login “li.hua” and your new password.");
    await phone.screenshot({ path: "test-results/invite-page-phone.png", fullPage: true });
    // The same link a second time is refused, in words.
    await phone.goto("about:blank");
    await phone.goto(link!);
    await phone.getByLabel(/New password/).fill("somebody else 1");
    await phone.getByLabel(/The same again/).fill("somebody else 1");
    await phone.getByRole("button", { name: /Set password/ }).click();
    await expect(phone.getByRole("status")).toContainText("This link was used, has expired or was replaced");

    // Li Hua signs in on their own tablet with the password they chose.
    const tabletBridge = await stack.device("li-tablet");
    const tablet = await context.newPage();
    await tablet.goto(`/?bridge=${encodeURIComponent(tabletBridge)}`);
    await signIn(tablet, "li.hua", "li hua 2026!");
    await expect(tablet.getByTestId("user")).toContainText("Li Hua");

    // The audit log tells both steps; the Chinese screen at a tablet's width.
    await page.getByRole("tab", { name: "Audit log" }).click();
    const log = page.getByRole("table", { name: "Audit log" });
    await page.getByLabel("Search login, record or detail").fill("li.hua");
    await expect(log.locator("tbody tr[data-kind=invitation_sent]")).toHaveCount(1);
    await expect(log.locator("tbody tr[data-kind=invitation_sent]")).toContainText("Password link e-mailed");
    await expect(log.locator("tbody tr[data-kind=invitation_accepted]")).toHaveCount(1);
    await expect(log.locator("tbody tr[data-kind=invitation_accepted]")).toContainText("Password chosen through a link");
    await page.getByRole("button", { name: "中文" }).click();
    await page.getByRole("tab", { name: "人员与设备" }).click();
    await page.getByRole("form", { name: "添加人员" }).getByLabel("由本人设定：通过邮件发送链接").check();
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.screenshot({ path: "test-results/invite-zh-1024.png", fullPage: true });
    await page.getByRole("button", { name: "English" }).click();
  } finally {
    box.child.kill();
  }
});
