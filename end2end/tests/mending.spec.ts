import { expect, test } from "./csp";
import fs from "node:fs";
import path from "node:path";
import { shot, uniqueEmail, waitForMail } from "./mail";
import { addDpo, parisDay, fileRequest, root, signIn, openAction } from "./people";

/** A file attached by mistake is removed before it is shared, and never
 * reaches the subject, who follows on a phone. */
test("a reply file attached by mistake is removed and never reaches the subject", async ({ page, browser }, info) => {
  test.skip(info.project.name !== "desktop", "the console at 1280 px, the subject at 375 px, in one test");
  test.setTimeout(120_000);
  const dpoEmail = uniqueEmail("mending-dpo").replace("@example.org", "@sofacto.com");
  addDpo(dpoEmail);
  const subjectEmail = uniqueEmail("mending-subject");
  const { page: phone, reference } = await fileRequest(browser, subjectEmail, "erasure", "Demander l'effacement");

  await signIn(page, dpoEmail);
  await page.goto(`/dpo/requests/${reference}`);
  await openAction(page, "start");
  await page.getByRole("button", { name: "Commencer le traitement" }).click();
  const attach = page.locator('form[action$="/attach"]');
  for (const [name, content] of [["effacement-confirme.txt", "Effacé le 3 décembre."], ["client-dupont.txt", "Données d'un autre client."]]) {
    const file = path.join(root, "target", "e2e", name);
    fs.writeFileSync(file, content);
    await openAction(page, "attach");
    await attach.getByLabel("Fichier").setInputFiles(file);
    await attach.getByRole("button", { name: "Joindre un fichier de réponse" }).click();
    await expect(page.getByRole("link", { name })).toBeVisible();
  }

  await openAction(page, "remove-file");
  const remove = page.locator('form[action$="/remove-file"]');
  await remove.getByLabel("Fichier").selectOption({ label: "client-dupont.txt" });
  await shot(page, "mending-remove-file", "desktop");
  await remove.getByRole("button", { name: "Retirer le fichier" }).click();
  await expect(page.getByText("Fait : Retirer un fichier joint par erreur.")).toBeVisible();
  await expect(page.getByRole("link", { name: "client-dupont.txt" })).toHaveCount(0);

  await openAction(page, "complete");
  const complete = page.locator('form[action$="/complete"]');
  await expect(complete.getByLabel("effacement-confirme.txt")).toBeChecked();
  await complete.getByLabel("Résumé de la réponse").fill("Vos données sont effacées ; la confirmation est jointe.");
  await complete.getByLabel("Ces données n'ont été communiquées à aucun destinataire").check();
  await complete.getByRole("button", { name: "Clore la demande" }).click();
  await expect(page.getByText("Fait : Clore : demande traitée.")).toBeVisible();
  await waitForMail(subjectEmail, "la confirmation est jointe");

  await phone.goto(`/my-requests/${reference}`);
  await expect(phone.getByRole("link", { name: "effacement-confirme.txt" })).toBeVisible();
  await expect(phone.getByText("client-dupont.txt")).toHaveCount(0);
  await shot(phone, "mending-subject-files", "phone");
});

/** A subject who lost their mailbox: the DPO types the new address; it
 * gets only a confirmation link until confirmed from there. */
test("a DPO corrects a subject's email, and the new address must be confirmed", async ({ page, browser }, info) => {
  test.skip(info.project.name !== "desktop", "the console at 1280 px");
  const dpoEmail = uniqueEmail("contact-dpo").replace("@example.org", "@sofacto.com");
  addDpo(dpoEmail);
  const oldEmail = uniqueEmail("old-mailbox");
  const newEmail = uniqueEmail("new-mailbox");
  await signIn(page, dpoEmail);
  await page.goto("/dpo/new?right=access");
  await page.getByLabel("Reçue", { exact: true }).selectOption("phone");
  await page.getByLabel("Reçue le").fill(parisDay());
  await page.getByLabel("Adresse e-mail de la personne").fill(oldEmail);
  await page.getByLabel("Prénom", { exact: true }).fill("Hugo");
  await page.getByLabel("Nom", { exact: true }).fill("Lefèvre");
  await page.getByLabel("Votre lien avec SOFACTO").selectOption("client");
  await page.getByRole("button", { name: "Enregistrer la demande" }).click();
  await expect(page).toHaveURL(/\/dpo\/requests\/R-/);

  await openAction(page, "correct-contact");
  const correct = page.locator('form[action$="/correct-contact"]');
  await correct.getByLabel("Adresse e-mail (une nouvelle adresse sera à confirmer)").fill(newEmail);
  await correct.getByLabel("Raison de la correction").fill("Appel : l'ancienne boîte est fermée.");
  await correct.getByRole("button", { name: "Enregistrer la correction" }).click();
  await expect(page.getByText("Fait : Corriger les coordonnées.")).toBeVisible();
  await expect(page.getByText(`Nouvelle adresse en attente de confirmation : ${newEmail}`)).toBeVisible();

  const mail = await waitForMail(newEmail, "/confirm-email/");
  const link = mail.text.match(/\/confirm-email\/[0-9a-f]+/)![0];
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: "fr-FR" });
  const phone = await context.newPage();
  await phone.goto(link);
  await phone.getByRole("button", { name: "Confirmer cette adresse" }).click();
  await expect(phone.getByText("Adresse confirmée.")).toBeVisible();
  await shot(phone, "mending-email-confirmed", "phone");

  await page.reload();
  await expect(page.getByText(newEmail).first()).toBeVisible();
  await expect(page.getByText("Nouvelle adresse en attente de confirmation")).toHaveCount(0);
  await context.close();
});

/** One letter asking for access and erasure: the DPO records one request
 * per right and links them; each page lists the other. The link form is
 * driven with JavaScript on and off. */
for (const javaScriptEnabled of [true, false]) {
  test.describe(`JavaScript ${javaScriptEnabled ? "on" : "off"} in the console`, () => {
    test("two requests from one letter are linked and shown together", async ({ browser }, info) => {
      test.skip(info.project.name !== "desktop", "the console at 1280 px");
      const dpoEmail = uniqueEmail("link-dpo").replace("@example.org", "@sofacto.com");
      addDpo(dpoEmail);
      const page = await (await browser.newContext({ javaScriptEnabled, locale: "fr-FR", viewport: { width: 1280, height: 900 } })).newPage();
      await signIn(page, dpoEmail);
      const references: string[] = [];
      for (const right of ["access", "erasure"]) {
        await page.goto(`/dpo/new?right=${right}`);
        await page.getByLabel("Reçue", { exact: true }).selectOption("letter");
        await page.getByLabel("Reçue le").fill(parisDay());
        await page.getByLabel("Prénom", { exact: true }).fill("Odile");
        await page.getByLabel("Nom", { exact: true }).fill("Garnier");
        await page.getByLabel("Votre lien avec SOFACTO").selectOption("client");
        await page.getByLabel("Par courrier postal").check();
        await page.getByRole("textbox", { name: "Adresse postale" }).fill("8 rue Foch, 34000 Montpellier");
        await page.getByRole("button", { name: "Enregistrer la demande" }).click();
        await expect(page).toHaveURL(/\/dpo\/requests\/R-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
        references.push(page.url().split("/").pop()!);
      }
      await openAction(page, "link");
      const link = page.locator('form[action$="/link"]');
      await link.getByLabel("Référence de l'autre demande").fill(references[0]);
      await link.getByRole("button", { name: "Lier", exact: true }).click();
      await expect(page.getByText("Fait : Lier à une autre demande.")).toBeVisible();
      await expect(page.locator("[data-linked]").getByRole("link", { name: references[0] })).toBeVisible();
      await page.goto(`/dpo/requests/${references[0]}`);
      await expect(page.locator("[data-linked]").getByRole("link", { name: references[1] })).toBeVisible();
      await shot(page, `linked-requests-js-${javaScriptEnabled ? "on" : "off"}`, "desktop");

      // Both acknowledgments go as one letter, posted once.
      await page.getByRole("link", { name: "Imprimer en une seule lettre avec les demandes liées" }).click();
      await expect(page).toHaveURL(new RegExp(`/dpo/letters/group/${references[0]}$`));
      const letter = page.locator("article.letter");
      await expect(letter.locator(".letter__part")).toHaveCount(2);
      await expect(letter).toContainText("Odile Garnier");
      await expect(letter.locator(".letter__ref")).toContainText(references[0]);
      await expect(letter.locator(".letter__ref")).toContainText(references[1]);
      if (javaScriptEnabled) await shot(page, "group-letter", "desktop");
      await page.getByLabel("Postée ou remise le").fill(parisDay());
      await page.getByRole("button", { name: "Enregistrer l'envoi de cette lettre" }).click();
      await expect(page).toHaveURL(new RegExp(`/dpo/requests/${references[0]}`));
      await expect(page.getByText("Fait : Lettre postée ou remise.")).toBeVisible();
      for (const reference of references) {
        await page.goto(`/dpo/requests/${reference}`);
        await expect(page.locator("#letters").getByText(/postée le \S+ \d{1,2} \S+ \d{4}/)).toBeVisible();
        await expect(page.locator('form[action$="/mark-posted"]')).toHaveCount(0);
      }
    });
  });
}
