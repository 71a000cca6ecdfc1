import { expect, test } from "./csp";
import fs from "node:fs";
import path from "node:path";
import { codeFor, linkFor, waitForMail } from "./mail";
import { root } from "./people";

/**
 * The portal keeps its own promises (SPEC §6): a journey typed with
 * distinctive values, after which the server's log holds none of them.
 * (Every test also checks, through ./csp, that the browser only talked to
 * the portal and holds only its technical cookies, each for less than a
 * day.)
 */
const runDir = path.join(root, "target", "e2e");

test("log canary: the address, names, code, link and free text of a journey never reach the log", async ({ page }, info) => {
  const tag = `${info.project.name}${Date.now().toString(36)}`;
  const email = `canari.${tag}@example.org`;
  const first = `Zéphyrine${tag}`;
  const last = `Canari${tag}`;
  const text = `TEXTE-CANARI-${tag} ma demande personnelle`;
  const customer = `CN-CANARI-${tag}`;

  await page.goto("/verify?right=erasure");
  await page.getByLabel("Votre adresse e-mail").fill(email);
  await page.getByRole("button", { name: "Recevoir un code" }).click();
  await expect(page).toHaveURL(/\/verify\/code$/);
  const code = await codeFor(email);
  const link = await linkFor(email);
  const token = link.split("/").pop()!;
  await page.getByLabel("Code à 6 chiffres").fill(code);
  await page.getByRole("button", { name: "Vérifier", exact: true }).click();
  await expect(page).toHaveURL(/\/request\/new\?right=erasure$/);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Prénom", { exact: true }).fill(first);
  await page.getByLabel("Nom", { exact: true }).fill(last);
  await page.getByLabel("Votre lien avec SOFACTO").selectOption("client");
  await page.getByLabel("Numéro client").fill(customer);
  await page.getByLabel("Précisions").fill(text);
  await page.getByRole("button", { name: "Envoyer ma demande" }).click();
  await expect(page.getByRole("heading", { name: "Demande envoyée" })).toBeVisible();
  await waitForMail(email, "R-");

  const canaries = [email, first, last, text, customer, token];
  fs.appendFileSync(path.join(runDir, "canaries.txt"), canaries.join("\n") + "\n");
  const log = fs.readFileSync(path.join(runDir, "server.log"), "utf8");
  expect(log).toContain("request received");
  for (const canary of canaries) {
    const lines = log.split("\n").filter((line) => line.includes(canary));
    expect(lines, `the log holds ${canary}`).toEqual([]);
  }
  // Six digits also occur in timestamps and hex ids: the code alone.
  const alone = new RegExp(`(^|[^0-9A-Za-z.])${code}($|[^0-9A-Za-z])`);
  expect(log.split("\n").filter((line) => alone.test(line)), "the log holds the code").toEqual([]);
});
