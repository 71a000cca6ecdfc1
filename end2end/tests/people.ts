import { Browser, Page } from "@playwright/test";
import { expect } from "./csp";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { codeFor, shot } from "./mail";

/** The people of the end2end journeys: a DPO with an account made by the
 * CLI, and a subject on a phone who files a request. */
export const root = path.resolve(__dirname, "..", "..");
export const PASSWORD = "une phrase de passe assez longue pour le DPO";

/** Creates a DPO account the way an operator does: with the CLI. */
export function addDpo(email: string) {
  execFileSync(path.join(root, "target", "release", "privacy-portal"), ["dpo", "add", email], {
    cwd: root,
    input: PASSWORD + "\n",
    env: { ...process.env, PORTAL_DATA_DIR: path.join(root, "target", "e2e", "data") },
  });
}

export async function signIn(page: Page, email: string, project?: string) {
  await page.goto("/dpo");
  await expect(page).toHaveURL(/\/dpo\/login\?next=/);
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe").fill(PASSWORD);
  if (project) await shot(page, "console-1-login", project);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("File des demandes");
}

/** A subject on a phone: verifies, files an access request, returns the reference. */
export async function fileRequest(browser: Browser, email: string, right: string, start: string) {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: "fr-FR" });
  const page = await context.newPage();
  await page.goto("/");
  await page.getByRole("link", { name: start }).click();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Votre adresse e-mail").fill(email);
  await page.getByRole("button", { name: "Recevoir un code" }).click();
  await expect(page).toHaveURL(/\/verify\/code$/);
  await page.getByLabel("Code à 6 chiffres").fill(await codeFor(email));
  await page.getByRole("button", { name: "Vérifier", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/request/new\\?right=${right}$`));
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Prénom", { exact: true }).fill("Jeanne");
  await page.getByLabel("Nom", { exact: true }).fill("Martin");
  await page.getByLabel("Votre lien avec SOFACTO").selectOption("client");
  await page.getByRole("button", { name: "Envoyer ma demande" }).click();
  await expect(page.getByRole("heading", { name: "Demande envoyée" })).toBeVisible();
  const reference = (await page.locator(".reference").textContent())!.trim();
  return { page, reference };
}


/** Proves the address with the code from the email, in any language. */
export async function verifyAddress(page: Page, email: string, right: string) {
  await page.goto(`/verify?right=${right}`);
  await page.locator('input[name="form[email]"]').fill(email);
  await page.locator('form[action="/verify"] button[type="submit"]').click();
  await expect(page).toHaveURL(/\/verify\/code$/);
  await page.locator('input[name="form[code]"]').fill(await codeFor(email));
  await page.locator('form[action="/verify/code"] button[type="submit"]').click();
  await expect(page).toHaveURL(new RegExp(`/request/new\\?right=${right}$`));
}

/** Signs a DPO in, in any language; lands on the queue. */
export async function signInAnyLanguage(page: Page, email: string) {
  await page.goto("/dpo/login");
  await page.locator('input[name="form[email]"]').fill(email);
  await page.locator('input[name="form[password]"]').fill(PASSWORD);
  await page.locator('form button[type="submit"]').click();
  await expect(page).toHaveURL(/\/dpo$/);
}

/** Opens an action's form on a request page, as a DPO does: a click on
 * its name. The next step's form is open already. */
export async function openAction(page: Page, slug: string) {
  const details = page.locator(`#action-${slug}`);
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) {
    await details.locator("> summary").click();
  }
  await expect(details).toHaveAttribute("open", "");
}

/** The day in Paris `days` from now, as YYYY-MM-DD: the portal's today,
 * which differs from the UTC date for an hour or two after midnight. */
export function parisDay(days = 0): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(new Date(Date.now() + days * 86_400_000));
}
