import { expect, test } from "./csp";
import fs from "node:fs";
import path from "node:path";
import { shot, uniqueEmail, waitForMail } from "./mail";
import { addDpo, fileRequest, root, signIn } from "./people";

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
  await page.getByRole("button", { name: "Commencer le traitement" }).click();
  const attach = page.locator('form[action$="/attach"]');
  for (const [name, content] of [["effacement-confirme.txt", "Effacé le 3 décembre."], ["client-dupont.txt", "Données d'un autre client."]]) {
    const file = path.join(root, "target", "e2e", name);
    fs.writeFileSync(file, content);
    await attach.getByLabel("Fichier").setInputFiles(file);
    await attach.getByRole("button", { name: "Joindre un fichier de réponse" }).click();
    await expect(page.getByRole("link", { name })).toBeVisible();
  }

  const remove = page.locator('form[action$="/remove-file"]');
  await remove.getByLabel("Fichier").selectOption({ label: "client-dupont.txt" });
  await shot(page, "mending-remove-file", "desktop");
  await remove.getByRole("button", { name: "Retirer le fichier" }).click();
  await expect(page.getByText("Fait : Retirer un fichier joint par erreur.")).toBeVisible();
  await expect(page.getByRole("link", { name: "client-dupont.txt" })).toHaveCount(0);

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
