import { Page } from "@playwright/test";
import { expect, test } from "./csp";
import zlib from "node:zlib";
import { codeFor, uniqueEmail } from "./mail";

// What a public page may load: 1.5 times the WASM and JS of a minimal
// Leptos 0.8 hydrate app (router, meta, a counter) built with the same
// profile: 114,966 B of WASM + 5,972 B of JS, gzip -9. `make bench` builds
// it again from benches/minimal-leptos and prints the ratio.
const MINIMAL_LEPTOS_GZIP = 120_938;
const BUDGET = Math.floor(1.5 * MINIMAL_LEPTOS_GZIP);

// Texts a data subject's browser must never receive: the console's, the
// emails', and the server-rendered pages' own (they are not in islands).
const SERVER_ONLY = [
  "Saisissez ce code sur la page ouverte dans votre navigateur", // email
  "Nouvelle demande à traiter", // email to the DPO
  "Exercer vos droits sur vos données personnelles", // home page, server-rendered
  "/dpo/requests/", // the console's pages
  "File des demandes", // the console's queue
  "Clore la demande", // a console action
  "Refuser la demande", // another console action
];

/** Every .js and .wasm the page loads from now on, with its gzip size. */
function recordScripts(page: Page) {
  const loaded: { url: string; gzip: number; body: Buffer }[] = [];
  page.on("response", async (response) => {
    const url = new URL(response.url());
    if (!/\.(js|wasm)$/.test(url.pathname)) return;
    const body = await response.body();
    loaded.push({ url: url.pathname, gzip: zlib.gzipSync(body, { level: 9 }).length, body });
  });
  return loaded;
}

async function check(page: Page, name: string, loaded: { url: string; gzip: number; body: Buffer }[]) {
  await page.waitForLoadState("networkidle");
  const total = loaded.reduce((sum, file) => sum + file.gzip, 0);
  console.log(`${name}: ${loaded.length} scripts, ${total} B gzip (budget ${BUDGET} B)`);
  expect(total, `${name} loads ${loaded.map((f) => f.url).join(", ")}`).toBeLessThanOrEqual(BUDGET);
  for (const file of loaded) {
    for (const text of SERVER_ONLY) {
      expect(file.body.includes(Buffer.from(text, "utf8")), `${file.url} holds "${text}"`).toBe(false);
    }
  }
  loaded.length = 0;
}

test("public pages load at most 1.5x a minimal Leptos app, and no server-only code", async ({ page }, info) => {
  test.skip(info.project.name !== "desktop", "the same files at every width");
  const loaded = recordScripts(page);

  await page.goto("/");
  await check(page, "home", loaded);

  await page.getByRole("link", { name: "Demander l'accès" }).click();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await check(page, "verify", loaded);

  const email = uniqueEmail("bundle");
  await page.getByLabel("Votre adresse e-mail").fill(email);
  await page.getByRole("button", { name: "Recevoir un code" }).click();
  await expect(page).toHaveURL(/\/verify\/code$/);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await check(page, "code", loaded);

  await page.getByLabel("Code à 6 chiffres").fill(await codeFor(email));
  await page.getByRole("button", { name: "Vérifier", exact: true }).click();
  await expect(page).toHaveURL(/\/request\/new\?right=access$/);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await check(page, "form", loaded);

  await page.getByLabel("Prénom", { exact: true }).fill("Jeanne");
  await page.getByLabel("Nom", { exact: true }).fill("Martin");
  await page.getByLabel("Votre lien avec SOFACTO").selectOption("prospect");
  await page.getByRole("button", { name: "Envoyer ma demande" }).click();
  await expect(page.getByRole("heading", { name: "Demande envoyée" })).toBeVisible();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await check(page, "follow", loaded);
});
