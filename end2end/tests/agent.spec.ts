import { expect, test } from "./csp";
import fs from "node:fs";
import path from "node:path";
import { shot, uniqueEmail, waitForMail } from "./mail";
import { addDpo, parisDay, root, signIn, verifyAddress, openAction } from "./people";

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
      await page.getByLabel("E-mail de la personne concernée").fill(subjectEmail);
      // Sent without the mandate's end: refused, and nothing typed is lost.
      await page.getByRole("button", { name: "Envoyer ma demande" }).click();
      await expect(page.locator("#mandate_until-error")).toContainText("obligatoire");
      await expect(page.getByLabel("Votre nom")).toHaveValue("Bernard");
      await page.getByLabel(/Fin du mandat/).fill(parisDay(90));
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
      await expect(console.locator("[data-person]")).toHaveText("Jeanne Martin");
      await expect(console.locator(".facts--head").getByText(subjectEmail)).toBeVisible();
      await expect(console.getByRole("link", { name: "mandat.pdf" })).toBeVisible();
      await shot(console, `agent-console-js-${javaScriptEnabled ? "on" : "off"}`, "desktop");
      await openAction(console, "ask-subject");
      await console.getByRole("button", { name: "Demander confirmation" }).click();
      await expect(console.getByText("Fait : Demander confirmation à la personne concernée.")).toBeVisible();
      const question = await waitForMail(subjectEmail, "Luc Bernard");
      expect(question.text).toContain(reference);
    });
  });
}

/** A subject records directives for after death from a phone; the person
 * they designate files as heir; the DPO finds the directives. */
test("directives for after death are recorded, and the DPO finds them on the heir's request", async ({ page, browser }, info) => {
  test.skip(info.project.name !== "phone", "the subject at 375 px; the console at 1280 px in the same test");
  test.setTimeout(120_000);
  const subjectEmail = uniqueEmail("directives");
  const heirEmail = uniqueEmail("designated");
  await page.goto("/verify");
  await page.locator('input[name="form[email]"]').fill(subjectEmail);
  await page.locator('form[action="/verify"] button[type="submit"]').click();
  await expect(page).toHaveURL(/\/verify\/code$/);
  const { codeFor } = await import("./mail");
  await page.locator('input[name="form[code]"]').fill(await codeFor(subjectEmail));
  await page.locator('form[action="/verify/code"] button[type="submit"]').click();
  await expect(page).toHaveURL(/\/my-requests$/);
  const section = page.locator("#directives");
  await section.getByLabel("Prénom", { exact: true }).fill("Paul");
  await section.getByLabel("Nom", { exact: true }).fill("Durand");
  await section.getByLabel("Les communiquer à la personne que je désigne, puis les effacer").check();
  await section.getByRole("button", { name: "Enregistrer mes directives" }).click();
  // Without the person, refused with what was typed kept.
  await expect(page.locator("#person_name-error")).toContainText("obligatoire");
  await expect(section.getByLabel("Nom", { exact: true })).toHaveValue("Durand");
  await section.getByLabel("Personne désignée (nom et prénom)").fill("Claire Durand");
  await section.getByLabel("Son adresse e-mail").fill(heirEmail);
  await section.getByRole("button", { name: "Enregistrer mes directives" }).click();
  await expect(page.getByText(/Directives en vigueur depuis le/)).toBeVisible();
  await shot(page, "directives-subject", "phone");

  const heir = await (await browser.newContext({ locale: "fr-FR", viewport: { width: 375, height: 740 } })).newPage();
  await verifyAddress(heir, heirEmail, "erasure");
  await expect(heir.locator("body")).toHaveAttribute("data-hydrated", "true");
  await heir.getByLabel("Pour une personne décédée, dont je suis héritier ou que le défunt a désigné").check();
  await heir.getByLabel("Prénom", { exact: true }).fill("Paul");
  await heir.getByLabel("Nom", { exact: true }).fill("Durand");
  await heir.getByLabel("Votre lien avec SOFACTO").selectOption("client");
  await heir.getByLabel("Votre prénom").fill("Claire");
  await heir.getByLabel("Votre nom").fill("Durand");
  await heir.getByLabel("E-mail de la personne concernée").fill(subjectEmail);
  await heir.locator('input[name="form[scope]"][value="all"]').check();
  await heir.getByRole("button", { name: "Envoyer ma demande" }).click();
  await expect(heir.getByRole("heading", { name: "Demande envoyée" })).toBeVisible();
  const reference = (await heir.locator(".reference").textContent())!.trim();
  await expect(heir.getByText("acte de notoriété")).toBeVisible();

  const dpoEmail = uniqueEmail("directives-dpo").replace("@example.org", "@sofacto.com");
  addDpo(dpoEmail);
  const console = await (await browser.newContext({ locale: "fr-FR", viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(console, dpoEmail);
  await console.goto(`/dpo/requests/${reference}`);
  const found = console.locator("#directives");
  await expect(found.getByText("Les communiquer à la personne que je désigne, puis les effacer")).toBeVisible();
  await expect(found.getByText(`Claire Durand <${heirEmail}>`)).toBeVisible();
  await shot(console, "directives-console", "desktop");
});
