import { expect, test } from "./csp";
import fs from "node:fs";
import path from "node:path";
import { shot, uniqueEmail, waitForMail } from "./mail";
import { addDpo, fileRequest, root, signIn, openAction } from "./people";

/** Identity in steps, in Chromium: the DPO asks first for a fact SOFACTO
 * can check, then only on a remaining doubt for a copy of an identity
 * document; the subject, on a phone, is told what to mask; the copy is
 * deleted once the DPO says identity is established. The DPO's two forms
 * (the step, the method) are driven with JavaScript on and off. */
for (const javaScriptEnabled of [true, false]) {
  test.describe(`JavaScript ${javaScriptEnabled ? "on" : "off"} in the console`, () => {
    test("a fact first, then a masked identity document, deleted once identity is established", async ({ browser }, info) => {
      test.skip(info.project.name !== "desktop", "the console at 1280 px, the subject at 375 px, in one test");
      test.setTimeout(120_000);
      const dpoEmail = uniqueEmail("steps-dpo").replace("@example.org", "@sofacto.com");
      addDpo(dpoEmail);
      const subjectEmail = uniqueEmail("steps-subject");
      const { page: phone, reference } = await fileRequest(browser, subjectEmail, "access", "Demander l'accès");

      // The DPO's browser, with or without JavaScript; the subject's phone
      // has it.
      const page = await (await browser.newContext({ javaScriptEnabled, locale: "fr-FR", viewport: { width: 1280, height: 900 } })).newPage();
      await signIn(page, dpoEmail);
      await page.goto(`/dpo/requests/${reference}`);
      await openAction(page, "ask-information");
      const ask = page.locator('form[action$="/ask-information"]');
      // Before any question, only the fact is offered.
      await expect(ask.getByLabel(/Une copie de pièce d'identité/)).toHaveCount(0);
      await expect(ask.getByLabel(/Ce que SOFACTO peut vérifier/)).toBeChecked();
      await ask.getByLabel("Ce qu'il vous faut").fill("Votre adresse ne figure pas dans nos fichiers clients.");
      await ask.getByRole("button", { name: "Envoyer la question" }).click();
      await expect(page.getByText("Fait : Demander une preuve d'identité.")).toBeVisible();
      const fact = await waitForMail(subjectEmail, "ne figure pas dans nos fichiers clients");
      expect(fact.text).toContain("Ne nous envoyez pas de pièce d'identité");

      await phone.goto(`/my-requests/${reference}`);
      await expect(phone.getByText("indiquez votre numéro de client")).toBeVisible();
      await phone.getByLabel("Votre message").fill("Client C-40417, dernière facture F-2026-118.");
      await phone.getByRole("button", { name: "Envoyer ma réponse" }).click();
      await expect(phone.getByText("C-40417").first()).toBeVisible();

      // A doubt remains: now the document may be asked.
      await page.reload();
      await openAction(page, "ask-information");
      await ask.getByLabel(/Une copie de pièce d'identité/).check();
      await ask.getByLabel("Ce qu'il vous faut").fill("Ce numéro de client est à un autre nom que le vôtre.");
      await shot(page, `identity-step-document-js-${javaScriptEnabled ? "on" : "off"}`, "desktop");
      await ask.getByRole("button", { name: "Envoyer la question" }).click();
      await expect(page.getByText("Fait : Demander une preuve d'identité.")).toBeVisible();
      await waitForMail(subjectEmail, "est à un autre nom que le vôtre");

      await phone.goto(`/my-requests/${reference}`);
      await expect(phone.getByText("masquez la photo et le numéro du document")).toBeVisible();
      await shot(phone, "identity-step-document-subject", "phone");
      const copy = path.join(root, "target", "e2e", "carte-masquee.pdf");
      fs.writeFileSync(copy, "%PDF-1.7 copie masquee");
      await phone.getByLabel("Votre message").fill("Voici ma carte, masquée.");
      await phone.getByLabel("Pièce jointe").setInputFiles(copy);
      await phone.getByRole("button", { name: "Envoyer ma réponse" }).click();
      await expect(phone.getByText("Voici ma carte, masquée.").first()).toBeVisible();

      await page.reload();
      await expect(page.locator('[data-purpose="identity"]')).toBeVisible();
      await openAction(page, "start");
      const start = page.locator('form[action$="/start"]');
      await start.getByLabel("Identité établie par").selectOption("document");
      await start.getByRole("button", { name: "Commencer le traitement" }).click();
      await expect(page.getByText("Fait : Identité confirmée : traiter.")).toBeVisible();
      await expect(page.getByRole("link", { name: "carte-masquee.pdf" })).toHaveCount(0);
      await expect(page.getByText(/Une pièce d'identité, le /)).toBeVisible();

      await phone.goto(`/my-requests/${reference}`);
      await expect(phone.getByText("Votre pièce d'identité a été supprimée")).toBeVisible();
    });
  });
}
