import AxeBuilder from "@axe-core/playwright";
import { Page } from "@playwright/test";
import { expect, test } from "./csp";
import { codeFor, uniqueEmail } from "./mail";
import { addDpo, PASSWORD, signInAnyLanguage, verifyAddress } from "./people";

/**
 * axe-core on every page, in both languages, at the project's width (1280 px
 * on desktop, 375 px on the phone), signed out, as a subject and as a DPO:
 * zero violations of WCAG 2.1 A and AA.
 */
const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const RIGHTS = ["access", "rectification", "erasure", "restriction", "portability", "objection"];

async function audit(page: Page, who: string, found: string[]) {
  await page.waitForLoadState("load");
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(results.passes.length, `axe checked ${page.url()}`).toBeGreaterThan(10);
  for (const v of results.violations) {
    const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ");
    found.push(`${who} ${new URL(page.url()).pathname}: ${v.id} (${v.impact}) ${v.help}: ${where}`);
  }
}

for (const [lang, locale] of [["fr", "fr-FR"], ["en", "en-GB"]]) {
  test(`accessibility in ${lang}: every page, signed out, as a subject and as a DPO`, async ({ browser }, info) => {
    test.setTimeout(180_000);
    const width = info.project.name === "phone" ? 375 : 1280;
    const context = await browser.newContext({ locale, viewport: { width, height: 800 } });
    const page = await context.newPage();
    const found: string[] = [];

    for (const path of ["/", "/privacy", "/verify?right=access", "/verify/code", `/verify/link/${"0".repeat(64)}`, "/no-such-page", "/dpo/login", "/my-requests"]) {
      await page.goto(path);
      await audit(page, "signed out", found);
    }

    const email = uniqueEmail(`a11y-${lang}-${info.project.name}`);
    await verifyAddress(page, email, "access");
    await expect(page.locator("html")).toHaveAttribute("lang", lang);
    for (const right of RIGHTS) {
      await page.goto(`/request/new?right=${right}`);
      await audit(page, "subject", found);
    }
    // A form sent empty: the error summary and the messages by the fields.
    await page.goto("/request/new?right=objection");
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    await page.locator('form.request-form button[type="submit"]').last().click();
    await expect(page.locator(".error-summary")).toBeFocused();
    await audit(page, "subject, errors", found);
    // Filed: the receipt, the list, the follow page.
    await page.goto("/request/new?right=access");
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    await page.locator('input[name="form[first_name]"]').fill("Jeanne");
    await page.locator('input[name="form[last_name]"]').fill("Martin");
    await page.locator('select[name="form[relation]"]').selectOption("client");
    await page.locator('form.request-form button[type="submit"]').last().click();
    await expect(page.locator(".reference")).toBeVisible();
    const reference = (await page.locator(".reference").textContent())!.trim();
    await audit(page, "subject, receipt", found);
    await page.goto("/my-requests");
    await audit(page, "subject", found);
    await page.goto(`/my-requests/${reference}`);
    await audit(page, "subject", found);

    const dpo = uniqueEmail(`a11y-dpo-${lang}-${info.project.name}`).replace("@example.org", "@sofacto.com");
    addDpo(dpo);
    await signInAnyLanguage(page, dpo);
    for (const path of ["/dpo", `/dpo/requests/${reference}`, "/dpo/dashboard", "/dpo/emails", "/dpo/new", "/dpo/account"]) {
      await page.goto(path);
      await audit(page, "DPO", found);
    }
    await context.close();
    expect(found, "WCAG 2.1 AA violations").toEqual([]);
  });
}

/** Presses Tab until `target` has the focus (at most 60 times). */
async function tabTo(page: Page, target: ReturnType<Page["locator"]>) {
  for (let i = 0; i < 60; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

test("keyboard only: a subject files a request and a DPO asks for information", async ({ page }, info) => {
  test.skip(info.project.name !== "desktop", "a keyboard on a desktop");
  test.setTimeout(120_000);
  const email = uniqueEmail("keyboard");
  await page.goto("/");
  await tabTo(page, page.getByRole("link", { name: "Demander l'accès" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/verify\?right=access$/);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await tabTo(page, page.getByLabel("Votre adresse e-mail"));
  await page.keyboard.type(email);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/verify\/code$/);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await tabTo(page, page.getByLabel("Code à 6 chiffres"));
  await page.keyboard.type(await codeFor(email));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/request\/new\?right=access$/);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");

  // Sent empty first: the focus goes to the summary, whose link leads on.
  await tabTo(page, page.getByRole("button", { name: "Envoyer ma demande" }));
  await page.keyboard.press("Enter");
  await expect(page.locator(".error-summary")).toBeFocused();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Prénom", { exact: true })).toBeFocused();
  await page.keyboard.type("Jeanne");
  await tabTo(page, page.getByLabel("Nom", { exact: true }));
  await page.keyboard.type("Martin");
  const relation = page.getByLabel("Votre lien avec SOFACTO");
  await tabTo(page, relation);
  await page.keyboard.press("ArrowDown");
  await expect(relation).not.toHaveValue("");
  await tabTo(page, page.getByRole("button", { name: "Envoyer ma demande" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Demande envoyée" })).toBeVisible();
  const reference = (await page.locator(".reference").textContent())!.trim();

  // The DPO signs in and asks for information, by keyboard too.
  const dpo = uniqueEmail("keyboard-dpo").replace("@example.org", "@sofacto.com");
  addDpo(dpo);
  await page.goto("/dpo/login");
  await tabTo(page, page.getByLabel("Adresse e-mail"));
  await page.keyboard.type(dpo);
  await page.keyboard.press("Tab");
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("File des demandes");
  await tabTo(page, page.getByLabel("Rechercher", { exact: true }));
  await page.keyboard.type(reference);
  await page.keyboard.press("Enter");
  await tabTo(page, page.getByRole("link", { name: reference }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Demande ${reference}`);
  // The question is one of the other actions: its name opens its form.
  await tabTo(page, page.locator("#action-ask-information > summary"));
  await page.keyboard.press("Enter");
  await tabTo(page, page.getByLabel("Ce qu'il vous faut"));
  await page.keyboard.type("Merci de confirmer votre numéro client.");
  await tabTo(page, page.getByRole("button", { name: "Envoyer la question" }));
  await page.keyboard.press("Enter");
  await expect(page.getByText("Fait : Demander une preuve d'identité.")).toBeVisible();
});
