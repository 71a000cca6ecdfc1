import { expect, test } from "./csp";
import { shot } from "./mail";

test("the home page is server-rendered in French with the six rights", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(
    "Exercer vos droits sur vos données personnelles",
  );
  for (const right of ["Accès", "Rectification", "Effacement", "Limitation", "Portabilité", "Opposition"]) {
    await expect(page.getByRole("heading", { level: 3, name: right })).toBeVisible();
  }
  await expect(page.getByRole("link", { name: "Adresser une réclamation à la CNIL" })).toHaveAttribute(
    "href",
    "https://www.cnil.fr/fr/agir",
  );
});

test("the language switch reloads the page in the other language and is remembered", async ({ page }) => {
  await page.goto("/verify?right=erasure");
  await page.getByRole("link", { name: "Read this site in English" }).click();
  await expect(page).toHaveURL(/\/verify\?right=erasure$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Verify your email address");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");

  // The server remembered the choice in a cookie that lives less than a day.
  const cookie = (await page.context().cookies()).find((c) => c.name === "portal_lang");
  expect(cookie?.value).toBe("en");
  expect(cookie!.expires * 1000 - Date.now()).toBeLessThan(24 * 3600 * 1000);
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Exercise your rights over your personal data");
  await expect(page.getByRole("heading", { level: 3, name: "Erasure" })).toBeVisible();

  await page.getByRole("link", { name: "Lire ce site en français" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
});

test("a first visit follows the browser's language", async ({ browser }) => {
  const context = await browser.newContext({ locale: "en-GB" });
  const page = await context.newPage();
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await context.close();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the language switch is a plain link that works", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("body")).not.toHaveAttribute("data-hydrated", "true");
    await page.getByRole("link", { name: "Read this site in English" }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Exercise your rights over your personal data");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
  });
});

test("an unknown address shows the portal's not-found page", async ({ page }) => {
  const response = await page.goto("/nowhere");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page introuvable");
  await page.getByRole("link", { name: "Retour à l'accueil" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Exercer vos droits sur vos données personnelles");
});

test("every page fits a 375 px wide screen", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto("/");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test("the privacy notice is one link away from the home page, in both languages", async ({ page }, info) => {
  await page.goto("/");
  await page.getByRole("link", { name: /Tout le détail/ }).click();
  await expect(page).toHaveURL(/\/privacy$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Vos données dans ce portail");
  for (const heading of ["Pourquoi, et sur quelle base", "Les données collectées", "Qui les reçoit", "Combien de temps", "Vos droits sur ces données"]) {
    await expect(page.getByRole("heading", { level: 2, name: heading })).toBeVisible();
  }
  await expect(page.getByRole("row", { name: /une demande close/ })).toContainText("3 ans après la clôture");
  await shot(page, "privacy-notice", info.project.name);
  await page.getByRole("link", { name: "Read this site in English" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your data in this portal");
  await expect(page.getByRole("contentinfo").getByRole("link", { name: "Your data in this portal" })).toHaveAttribute("href", "/privacy");
});
