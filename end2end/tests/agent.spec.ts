import { expect, test } from "./csp";
import fs from "node:fs";
import path from "node:path";
import { shot, uniqueEmail, waitForMail } from "./mail";
import { addDpo, root, signIn, verifyAddress } from "./people";

/** An agent files for someone with a mandate, on a phone, with JavaScript
 * on and off: the home page's entry, the form's "for whom" section, the
 * mandate sent from the follow page; the DPO sees both people and asks
 * the person concerned to confirm. */
for (const javaScriptEnabled of [true, false]) {
  test.describe(`JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("an agent files for someone with a mandate, and the DPO sees both people", async ({ page, browser }, info) => {
      test.skip(info.project.name !== "phone", "the agent at 375 px; the console opens at 1280 px in the same test");
      test.setTimeout(120_000);
      const agentEmail = uniqueEmail("agent");
      const subjectEmail = uniqueEmail("represented");
      await page.goto("/");
      await expect(page.getByRole("heading", { name: "Faire une demande pour quelqu'un d'autre" })).toBeVisible();
      await expect(page.getByText("avec un mandat écrit de sa part")).toBeVisible();

      await verifyAddress(page, agentEmail, "access");
      if (javaScriptEnabled) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
      // The representative's fields show once "for someone else" is chosen.
      await expect(page.getByLabel("Votre prénom")).toBeHidden();
      await page.getByLabel("Pour une autre personne, qui m'a donné un mandat écrit").check();
      await expect(page.getByLabel("Votre prénom")).toBeVisible();
      await page.getByLabel("Prénom", { exact: true }).fill("Jeanne");
      await page.getByLabel("Nom", { exact: true }).fill("Martin");
      await page.getByLabel("Votre lien avec SOFACTO").selectOption("client");
      await page.getByLabel("Votre prénom").fill("Luc");
      await page.getByLabel("Votre nom").fill("Bernard");
      await page.getByLabel("Adresse e-mail de la personne concernée").fill(subjectEmail);
      // Sent without the mandate's end: refused, and nothing typed is lost.
      await page.getByRole("button", { name: "Envoyer ma demande" }).click();
      await expect(page.locator("#mandate_until-error")).toContainText("obligatoire");
      await expect(page.getByLabel("Votre nom")).toHaveValue("Bernard");
      await page.getByLabel(/Fin du mandat/).fill(new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10));
      await shot(page, `agent-form-js-${javaScriptEnabled ? "on" : "off"}`, "phone");
      await page.getByRole("button", { name: "Envoyer ma demande" }).click();
      await expect(page.getByRole("heading", { name: "Demande envoyée" })).toBeVisible();
      const reference = (await page.locator(".reference").textContent())!.trim();

      // The follow page asks for the mandate.
      await expect(page.getByRole("heading", { name: "Votre justificatif" })).toBeVisible();
      const mandate = path.join(root, "target", "e2e", "mandat.pdf");
      fs.writeFileSync(mandate, "%PDF-1.7 mandat de Jeanne Martin a Luc Bernard");
      await page.getByLabel("Justificatif (PDF ou image)").setInputFiles(mandate);
      await page.getByRole("button", { name: "Envoyer le justificatif" }).click();
      await expect(page.getByText("Votre message est envoyé au délégué.")).toBeVisible();

      // The DPO, on a desktop, sees both people and the proof.
      const dpoEmail = uniqueEmail("agent-dpo").replace("@example.org", "@sofacto.com");
      addDpo(dpoEmail);
      const console = await (await browser.newContext({ javaScriptEnabled, locale: "fr-FR", viewport: { width: 1280, height: 900 } })).newPage();
      await signIn(console, dpoEmail);
      await console.goto(`/dpo/requests/${reference}`);
      const rep = console.locator('section[data-acting="agent"]');
      await expect(rep.getByText("Luc Bernard")).toBeVisible();
      await expect(rep.getByText(agentEmail)).toBeVisible();
      await expect(rep.getByText("reçu : voir les fichiers")).toBeVisible();
      await expect(console.getByText("Jeanne Martin")).toBeVisible();
      await expect(console.getByText(subjectEmail)).toBeVisible();
      await expect(console.getByRole("link", { name: "mandat.pdf" })).toBeVisible();
      await shot(console, `agent-console-js-${javaScriptEnabled ? "on" : "off"}`, "desktop");
      await console.getByRole("button", { name: "Demander confirmation" }).click();
      await expect(console.getByText("Fait : Demander confirmation à la personne concernée.")).toBeVisible();
      const question = await waitForMail(subjectEmail, "Luc Bernard");
      expect(question.text).toContain(reference);
    });
  });
}
