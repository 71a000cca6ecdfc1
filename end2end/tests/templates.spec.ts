import { expect, test } from "./csp";
import { shot, uniqueEmail, waitForMail } from "./mail";
import { addDpo, fileRequest, signIn, openAction } from "./people";

/** A DPO edits a refusal template until nothing of the remedies is left in
 * its text, then refuses a request from it: the email still names the
 * CNIL and the courts. The template form and the refusal are driven with
 * JavaScript on and off, one after the other: both edit the same template. */
test.describe.configure({ mode: "serial" });

for (const javaScriptEnabled of [true, false]) {
  test.describe(`JavaScript ${javaScriptEnabled ? "on" : "off"} in the console`, () => {
    test("a refusal written from a template still names the CNIL and the courts after the DPO edits the template", async ({ browser }, info) => {
      test.skip(info.project.name !== "desktop", "the console at 1280 px");
      test.setTimeout(120_000);
      const subjectEmail = uniqueEmail("templated");
      const { reference } = await fileRequest(browser, subjectEmail, "erasure", "Demander l'effacement");
      const dpoEmail = uniqueEmail("templates-dpo").replace("@example.org", "@sofacto.com");
      addDpo(dpoEmail);
      const page = await (await browser.newContext({ javaScriptEnabled, locale: "fr-FR", viewport: { width: 1280, height: 900 } })).newPage();
      await signIn(page, dpoEmail);

      await page.getByRole("link", { name: "Modèles de réponse" }).click();
      const template = page.locator('section[data-template="refused-identity-fr"]');
      await expect(template.locator('[data-locked="1"]')).toContainText("CNIL");
      const text = `Nous n'avons pas pu vérifier votre identité (${javaScriptEnabled ? "js" : "sans js"}).`;
      await template.getByLabel("Texte").fill(text);
      await template.getByRole("button", { name: "Enregistrer le modèle" }).click();
      await expect(page.getByText(/Modèle enregistré \(version \d+\)/)).toBeVisible();
      await shot(page, `templates-saved-js-${javaScriptEnabled ? "on" : "off"}`, "desktop");

      await page.goto(`/dpo/requests/${reference}`);
      await openAction(page, "refuse");
      const refuse = page.locator("#action-refuse");
      await refuse.locator('a[data-template="refused-identity-fr"]').click();
      await expect(page.locator('form[action$="/refuse"]').getByLabel("Explication (la personne la lira)")).toHaveValue(text);
      await page.locator('form[action$="/refuse"]').getByLabel("Motif", { exact: true }).selectOption("identity_not_established");
      await page.getByRole("button", { name: "Refuser la demande" }).click();
      await expect(page.getByText("Fait : Refuser.")).toBeVisible();
      const mail = await waitForMail(subjectEmail, "pas pu vérifier votre identité");
      expect(mail.text).toContain("CNIL");
      expect(mail.text).toContain("recours juridictionnel");
    });
  });
}
