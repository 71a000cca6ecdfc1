import { expect, test } from "./csp";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { codeFor, shot as takeShot, uniqueEmail, waitForMail } from "./mail";
import { addDpo, fileRequest, root, signIn, openAction } from "./people";

for (const javaScriptEnabled of [true, false]) {
  test.describe(`JavaScript ${javaScriptEnabled ? "on" : "off"} in the console`, () => {
  // Screenshots of the first run only.
  const shot = javaScriptEnabled ? takeShot : async (..._: unknown[]) => {};
test("a DPO works a request to completion and refuses another; the subject follows on a phone", async ({ browser }, info) => {
  test.skip(info.project.name !== "desktop", "the console at 1280 px, the subject at 375 px, in one test");
  test.setTimeout(180_000);
  // The DPO's browser, with or without JavaScript; the subject's phone
  // has it.
  const page = await (await browser.newContext({ javaScriptEnabled, locale: "fr-FR", viewport: { width: 1280, height: 900 } })).newPage();
  const dpoEmail = uniqueEmail("dpo").replace("@example.org", "@sofacto.com");
  addDpo(dpoEmail);
  const subjectEmail = uniqueEmail("subject");
  const { page: phone, reference } = await fileRequest(browser, subjectEmail, "access", "Demander l'accès");

  await signIn(page, dpoEmail, "desktop");
  // The search: part of the address, then the reference typed loosely.
  await page.getByLabel("Rechercher", { exact: true }).fill(subjectEmail.split("@")[0] + "@");
  await page.getByRole("button", { name: "Afficher" }).click();
  await expect(page.getByRole("link", { name: reference })).toBeVisible();
  await page.getByLabel("Rechercher", { exact: true }).fill(reference.toLowerCase().replace("-", " "));
  await page.getByRole("button", { name: "Afficher" }).click();
  await shot(page, "console-2-queue", "desktop");
  await page.getByRole("link", { name: reference }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Demande ${reference}`);

  // Ask for information: the clock pauses, the subject is told.
  await openAction(page, "ask-information");
  await page.getByLabel("Ce qu'il vous faut").fill("Merci de confirmer votre numéro client.");
  await page.getByRole("button", { name: "Envoyer la question" }).click();
  await expect(page.getByText("Fait : Demander une preuve d'identité.")).toBeVisible();
  await waitForMail(subjectEmail, "Merci de confirmer votre numéro client.");

  // The subject answers from the follow page, on the phone.
  await phone.goto(`/my-requests/${reference}`);
  await expect(phone.getByText("Le délégué vous demande une information")).toBeVisible();
  await phone.getByLabel("Votre message").fill("Mon numéro client est C-1234.");
  await shot(phone, "console-3-subject-answers", "phone");
  await phone.getByRole("button", { name: "Envoyer ma réponse" }).click();
  await expect(phone.getByText("Votre message est envoyé au délégué.")).toBeVisible();
  await waitForMail("dpo@sofacto.com", `répondu à votre demande d'information sur ${reference}`);

  // Back on the console: start, extend, attach, complete.
  await page.reload();
  await expect(page.getByText("Mon numéro client est C-1234.")).toBeVisible();
  // How identity was established: the customer number, checked.
  await openAction(page, "start");
  await page.locator('form[action$="/start"]').getByLabel("Identité établie par").selectOption("checked_fact");
  await page.getByRole("button", { name: "Commencer le traitement" }).click();
  await openAction(page, "extend");
  await page.getByLabel("Durée", { exact: true }).selectOption("1");
  await page.getByLabel("Pourquoi (la personne le lira)").fill("Vos données sont réparties dans plusieurs outils.");
  await page.getByRole("button", { name: "Prolonger" }).click();
  await waitForMail(subjectEmail, "réparties dans plusieurs outils");
  const file = path.join(root, "target", "e2e", "copie.json");
  fs.writeFileSync(file, JSON.stringify({ nom: "Martin", prenom: "Jeanne", client: "C-1234" }));
  await openAction(page, "attach");
  await page.getByLabel("Fichier").setInputFiles(file);
  await page.getByRole("button", { name: "Joindre un fichier de réponse" }).click();
  await expect(page.getByRole("link", { name: "copie.json" })).toBeVisible();
  await openAction(page, "complete");
  await page.getByLabel("Résumé de la réponse").fill("Vous trouverez la copie de vos données en pièce jointe.");
  // The pre-filled texts in square brackets must be replaced before sending.
  await page.getByLabel("Destinataires", { exact: true }).fill("Les équipes de SOFACTO chargées de la relation client, de la facturation et de la comptabilité.");
  await page.getByLabel("Transferts hors de l'Union européenne").fill("Vos données ne sont pas transférées hors de l'Union européenne.");
  await shot(page, "console-4-complete", "desktop");
  await page.getByRole("button", { name: "Clore la demande" }).click();
  await expect(page.getByText("Fait : Clore : demande traitée.")).toBeVisible();
  const done = await waitForMail(subjectEmail, "Vous trouverez la copie de vos données");
  expect(done.text).toContain("Finalités et base légale");

  // The subject downloads the file.
  await phone.goto(`/my-requests/${reference}`);
  const download = phone.waitForEvent("download");
  await phone.getByRole("link", { name: "copie.json" }).click();
  const saved = await (await download).path();
  expect(JSON.parse(fs.readFileSync(saved!, "utf8")).client).toBe("C-1234");
  await shot(phone, "console-5-subject-done", "phone");
  await waitForMail(subjectEmail, "Nous avons bien reçu votre demande");

  // A second request is refused, with the CNIL and the courts in the email.
  const refusedEmail = uniqueEmail("refused");
  const second = await fileRequest(browser, refusedEmail, "erasure", "Demander l'effacement");
  await page.goto(`/dpo/requests/${second.reference}`);
  await openAction(page, "refuse");
  await page.getByLabel("Motif", { exact: true }).selectOption("manifestly_unfounded");
  await page.getByLabel("Explication (la personne la lira)").fill("Aucune donnée ne vous concerne chez SOFACTO.");
  await page.getByRole("button", { name: "Refuser la demande" }).click();
  await expect(page.getByText("Fait : Refuser.")).toBeVisible();
  const refusal = await waitForMail(refusedEmail, "Aucune donnée ne vous concerne");
  expect(refusal.text).toContain("https://www.cnil.fr/fr/agir");
  expect(refusal.text).toContain("recours juridictionnel");
  await shot(page, "console-6-refused", "desktop");
});
  });
}

test("a DPO reads the dashboard, downloads the register and one request's evidence, which the CLI checks", async ({ page, browser }, info) => {
  test.skip(info.project.name !== "desktop", "the console at 1280 px");
  test.setTimeout(120_000);
  const dpoEmail = uniqueEmail("dpo").replace("@example.org", "@sofacto.com");
  addDpo(dpoEmail);
  const subjectEmail = uniqueEmail("register");
  const { page: phone, reference } = await fileRequest(browser, subjectEmail, "access", "Demander l'accès");
  await phone.context().close();

  await signIn(page, dpoEmail, "desktop");
  await page.getByRole("link", { name: "Tableau de bord" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Tableau de bord");
  await expect(page.getByRole("img", { name: "Demandes reçues et closes par mois" })).toBeVisible();
  await expect(page.locator("[data-figure=on-time]")).not.toBeEmpty();
  await takeShot(page, "console-7-dashboard", "desktop");

  // The register, without names or addresses.
  const [register] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Télécharger le registre (CSV)" }).click(),
  ]);
  expect(register.suggestedFilename()).toMatch(/^register-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = fs.readFileSync((await register.path())!, "utf8");
  expect(csv.split("\r\n")[0]).toContain("reference,right,channel,received_on");
  expect(csv).toContain(reference);
  expect(csv).not.toContain(subjectEmail);

  // One request's evidence, then the operator's check against the log.
  await page.goto(`/dpo/requests/${reference}`);
  await expect(page.getByRole("heading", { name: "Journal d'audit de la demande" })).toBeVisible();
  const [evidence] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Télécharger le dossier de preuve (JSON)" }).click(),
  ]);
  expect(evidence.suggestedFilename()).toBe(`evidence-${reference}.json`);
  const file = (await evidence.path())!;
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  expect(json.document.request.reference).toBe(reference);
  expect(json.document.audit.length).toBeGreaterThan(0);
  const out = execFileSync(path.join(root, "target", "release", "privacy-portal"), ["audit", "verify", "--evidence", file], {
    cwd: root,
    env: { ...process.env, PORTAL_DATA_DIR: path.join(root, "target", "e2e", "data") },
  }).toString();
  expect(out).toMatch(/^entries: \d+\nhead: [0-9a-f]{64}\nok\n$/);
  await page.reload();
  await page.locator("#audit > summary").click();
  await expect(page.getByRole("cell", { name: "Dossier de preuve exporté" })).toBeVisible();
  await takeShot(page, "console-8-audit-trail", "desktop");
});
