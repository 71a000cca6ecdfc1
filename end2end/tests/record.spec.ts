import { expect, test } from "./csp";
import { shot, uniqueEmail, waitForMail } from "./mail";
import { addDpo, parisDay, signIn, openAction } from "./people";

/** The console's form for a request received outside the portal, driven
 * through Chromium as a DPO would: its reply-channel fields are hidden
 * until chosen, and a hidden `required` field would stop the browser from
 * sending the form at all, which a test that posts the form cannot see. */
for (const javaScriptEnabled of [true, false]) {
  test.describe(`JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("a DPO records a letter asking for access, to be answered by post", async ({ page }, info) => {
      test.skip(info.project.name !== "desktop", "the console at 1280 px");
      const dpoEmail = uniqueEmail("recorder").replace("@example.org", "@sofacto.com");
      addDpo(dpoEmail);
      await signIn(page, dpoEmail);
      await page.goto("/dpo/new");
      await page.getByLabel("Droit exercé").selectOption("access");
      await page.getByRole("button", { name: "Continuer" }).click();

      await page.getByLabel("Reçue", { exact: true }).selectOption("letter");
      const threeDaysAgo = parisDay(-3);
      await page.getByLabel("Reçue le").fill(threeDaysAgo);
      await page.getByLabel("Prénom", { exact: true }).fill("Paul");
      await page.getByLabel("Nom", { exact: true }).fill("Durand");
      await page.getByLabel("Votre lien avec SOFACTO").selectOption("client");
      // The phone field stays hidden and empty; the postal one shows.
      await expect(page.getByLabel("Numéro de téléphone")).toBeHidden();
      await page.getByLabel("Par courrier postal").check();
      await page.getByRole("textbox", { name: "Adresse postale" }).fill("12 rue des Lilas\n75011 Paris");
      // Three days late and no reason: refused, with nothing typed lost.
      await page.getByRole("button", { name: "Enregistrer la demande" }).click();
      await expect(page.locator("#intake_late_reason-error")).not.toBeEmpty();
      await expect(page.getByRole("textbox", { name: "Adresse postale" })).toHaveValue("12 rue des Lilas\n75011 Paris");
      await page.getByLabel("Pourquoi elle n'est pas enregistrée le jour de sa réception").fill("Reçue pendant la fermeture du bureau.");
      if (javaScriptEnabled) await shot(page, "record-letter", "desktop");
      await page.getByRole("button", { name: "Enregistrer la demande" }).click();

      await expect(page).toHaveURL(/\/dpo\/requests\/R-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^Demande R-/);
      await expect(page.getByText("par courrier", { exact: false }).first()).toBeVisible();
      await expect(page.locator("dd").getByText("12 rue des Lilas").first()).toBeVisible();

      // No email address: the acknowledgment is a letter to print and post.
      const letters = page.locator("#letters");
      await expect(letters.getByText("à poster")).toBeVisible();
      await letters.getByRole("link", { name: "Imprimer" }).click();
      await expect(page).toHaveURL(/\/dpo\/letters\/[0-9a-f]{32}$/);
      const letter = page.locator("article.letter");
      await expect(letter).toContainText("SOFACTO SAS");
      await expect(letter).toContainText("Paul Durand");
      await expect(letter).toContainText("12 rue des Lilas");
      await expect(letter).toContainText("Nous avons bien reçu votre demande");
      if (javaScriptEnabled) {
        await shot(page, "letter-screen", "desktop");
        // On paper only the letter shows.
        await page.emulateMedia({ media: "print" });
        await expect(page.locator(".console-nav")).toBeHidden();
        await expect(page.locator(".site-header")).toBeHidden();
        await expect(letter).toBeVisible();
        await shot(page, "letter-print", "desktop");
        await page.emulateMedia({ media: "screen" });
      }
      await page.getByRole("link", { name: "Retour à la demande" }).click();
      await openAction(page, "mark-posted");
      const posted = page.locator('form[action$="/mark-posted"]');
      await expect(posted.getByLabel("Postée ou remise le")).toHaveValue(parisDay());
      await posted.getByRole("button", { name: "Enregistrer l'envoi" }).click();
      await expect(page.getByText("Fait : Lettre postée ou remise.")).toBeVisible();
      await expect(page.locator("#letters").getByText(/postée le \S+ \d{1,2} \S+ \d{4}/)).toBeVisible();
      await expect(page.locator('form[action$="/mark-posted"]')).toHaveCount(0);

      // The scanned letter is kept with the request, never shared.
      await openAction(page, "attach");
      const attach = page.locator('form[action$="/attach"]');
      await attach.getByLabel("l'original de la demande").check();
      await attach.getByLabel("Fichier").setInputFiles({ name: "lettre-durand.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4 lettre numérisée") });
      await attach.getByRole("button", { name: "Joindre un fichier" }).click();
      await expect(page.getByRole("link", { name: "lettre-durand.pdf" })).toBeVisible();
      await expect(page.locator('[data-purpose="original"]')).toHaveText(/original de la demande, numérisé ; jamais transmis/);
    });
  });
}

test("a letter received 40 days ago objecting to prospecting: no refusal offered, and the on-time rate falls below 100 %", async ({ page }, info) => {
  test.skip(info.project.name !== "desktop", "the console at 1280 px");
  const dpoEmail = uniqueEmail("objection-dpo").replace("@example.org", "@sofacto.com");
  addDpo(dpoEmail);
  await signIn(page, dpoEmail);
  await page.goto("/dpo/new?right=objection");
  await page.getByLabel("Reçue", { exact: true }).selectOption("letter");
  const fortyDaysAgo = parisDay(-40);
  await page.getByLabel("Reçue le").fill(fortyDaysAgo);
  await page.getByLabel("Pourquoi elle n'est pas enregistrée le jour de sa réception").fill("Retrouvée dans un autre service.");
  await page.getByLabel("Prénom", { exact: true }).fill("Lucie");
  await page.getByLabel("Nom", { exact: true }).fill("Bernard");
  await page.getByLabel("Votre lien avec SOFACTO").selectOption("prospect");
  await page.getByLabel("Par courrier postal").check();
  await page.getByRole("textbox", { name: "Adresse postale" }).fill("4 place du Marché\n69002 Lyon");
  await page.getByLabel("La prospection commerciale").check();
  await page.getByRole("button", { name: "Enregistrer la demande" }).click();
  await expect(page).toHaveURL(/\/dpo\/requests\/R-/);

  // Art. 21(3): no refusal, and the page says why.
  await expect(page.getByText("Une opposition à la prospection ne peut pas être refusée")).toBeVisible();
  await expect(page.getByRole("button", { name: "Refuser la demande" })).toHaveCount(0);
  await openAction(page, "start");
  await expect(page.getByRole("button", { name: "Commencer le traitement" })).toBeVisible();
  await shot(page, "record-objection", "desktop");

  // Open and past its due date: late, so the rate is not 100 %.
  await page.goto("/dpo/dashboard");
  const rate = page.locator('[data-figure="on-time"]');
  await expect(rate).toContainText("%");
  await expect(rate).not.toContainText("100 %");
  await expect(page.getByText("encore ouvertes dont l'échéance est passée")).toBeVisible();
});

test("a partial erasure: the email says what was kept and why, and names the CNIL and the courts", async ({ page }, info) => {
  test.skip(info.project.name !== "desktop", "the console at 1280 px");
  const dpoEmail = uniqueEmail("partial-dpo").replace("@example.org", "@sofacto.com");
  const subjectEmail = uniqueEmail("partial-subject");
  addDpo(dpoEmail);
  await signIn(page, dpoEmail);
  await page.goto("/dpo/new?right=erasure");
  await page.getByLabel("Reçue", { exact: true }).selectOption("email");
  await page.getByLabel("Reçue le").fill(parisDay());
  await page.getByLabel("Adresse e-mail de la personne").fill(subjectEmail);
  await page.getByLabel("Prénom", { exact: true }).fill("Marc");
  await page.getByLabel("Nom", { exact: true }).fill("Petit");
  await page.getByLabel("Votre lien avec SOFACTO").selectOption("client");
  await page.getByRole("button", { name: "Enregistrer la demande" }).click();
  await expect(page).toHaveURL(/\/dpo\/requests\/R-/);

  // How identity was established: the customer number, checked.
  await openAction(page, "start");
  await page.locator('form[action$="/start"]').getByLabel("Identité établie par").selectOption("checked_fact");
  await page.getByRole("button", { name: "Commencer le traitement" }).click();
  await openAction(page, "complete");
  await page.getByLabel("Résumé de la réponse").fill("Vos données de prospection et de navigation sont effacées.");
  await page.getByLabel("Élément").first().fill("Vos factures des trois dernières années");
  await page.getByLabel("Fondement").first().selectOption("legal_obligation");
  await page.getByLabel("Ces données n'ont été communiquées à aucun destinataire").check();
  await shot(page, "record-partial-erasure", "desktop");
  await page.getByRole("button", { name: "Clore la demande" }).click();
  await expect(page.getByText("Fait : Clore : demande traitée.")).toBeVisible();
  await expect(page.getByText("Vos factures des trois dernières années")).toBeVisible();

  const mail = await waitForMail(subjectEmail, "Vos données de prospection et de navigation sont effacées.");
  expect(mail.text).toContain("Ce qui n'a pas été fait");
  expect(mail.text).toContain("Code de commerce");
  expect(mail.text).toContain("https://www.cnil.fr/fr/agir");
  expect(mail.text).toContain("recours juridictionnel");
});
