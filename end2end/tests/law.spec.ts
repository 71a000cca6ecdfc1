import { Page } from "@playwright/test";
import { expect, test } from "./csp";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { shot, uniqueEmail, waitForMail } from "./mail";
import { addDpo, parisDay, root, signIn, openAction } from "./people";

/** The console's forms that the law issue added, each driven through
 * Chromium as a DPO would (a test that posts a form cannot see a form the
 * browser refuses to send): the identity wait, the clarification, the
 * addenda after closing, the lifting of a restriction and the test mark. */

const today = () => parisDay();
const inDays = (days: number) => parisDay(days);

/** Records a request that came by email from `subjectEmail`, as the DPO
 * does on /dpo/new, and opens its page. */
async function recordByEmail(page: Page, right: string, subjectEmail: string) {
  await page.goto(`/dpo/new?right=${right}`);
  await page.getByLabel("Reçue", { exact: true }).selectOption("email");
  await page.getByLabel("Reçue le").fill(today());
  await page.getByLabel("Adresse e-mail de la personne").fill(subjectEmail);
  await page.getByLabel("Prénom", { exact: true }).fill("Claire");
  await page.getByLabel("Nom", { exact: true }).fill("Moreau");
  await page.getByLabel("Votre lien avec SOFACTO").selectOption("client");
  if (right === "restriction") {
    await page.locator('select[name="form[restriction_ground]"]').selectOption("accuracy_contested");
    await page.locator('input[name="form[scope]"][value="all"]').check();
  }
  await page.getByRole("button", { name: "Enregistrer la demande" }).click();
  await expect(page).toHaveURL(/\/dpo\/requests\/R-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  return page.url().split("/").pop()!;
}

/** What 31 days of silence leave in the database: the pause and its
 * question moved back 31 days (the portal runs on the real clock here;
 * the API tests cover the same rule with an injected one). */
function pauseStartedDaysAgo(reference: string, days: number) {
  const db = path.join(root, "target", "e2e", "data", "portal.db");
  const script = `
import sqlite3, sys, datetime
db, reference, days = sys.argv[1], sys.argv[2], int(sys.argv[3])
since = (datetime.date.today() - datetime.timedelta(days=days)).isoformat()
con = sqlite3.connect(db, timeout=10)
con.execute("UPDATE requests SET paused_since = ? WHERE reference = ?", (since, reference))
con.execute("UPDATE request_events SET at = at - ? WHERE kind = 'information_requested' AND request_id = (SELECT id FROM requests WHERE reference = ?)", (days * 86400000, reference))
con.commit()
`;
  execFileSync("python3", ["-c", script, db, reference, String(days)]);
}

test("a request awaiting proof of identity for 31 days is proposed for closing; closing it is a refusal naming the CNIL and the courts", async ({ page }, info) => {
  test.skip(info.project.name !== "desktop", "the console at 1280 px");
  const dpoEmail = uniqueEmail("identity-dpo").replace("@example.org", "@sofacto.com");
  const subjectEmail = uniqueEmail("identity-subject");
  addDpo(dpoEmail);
  await signIn(page, dpoEmail);
  const reference = await recordByEmail(page, "erasure", subjectEmail);

  await openAction(page, "ask-information");
  await page.getByLabel("Ce qu'il vous faut").fill("Merci de nous envoyer la copie d'un justificatif d'identité.");
  await page.getByRole("button", { name: "Envoyer la question" }).click();
  await expect(page.getByText("Fait : Demander une preuve d'identité.")).toBeVisible();
  await waitForMail(subjectEmail, "copie d'un justificatif d'identité");
  // Not yet: nothing proposed the day the question left.
  await expect(page.getByText(/Aucune réponse depuis \d+ jours/)).toHaveCount(0);

  pauseStartedDaysAgo(reference, 31);
  await page.reload();
  await expect(page.getByText(/Aucune réponse depuis 3[01] jours à votre demande de preuve d'identité/)).toBeVisible();
  // The refusal starts on "identity not established"; the DPO decides.
  await openAction(page, "refuse");
  const refuse = page.locator('form[action$="/refuse"]');
  await expect(refuse.getByLabel("Motif", { exact: true })).toHaveValue("identity_not_established");
  await shot(page, "law-identity-wait", "desktop");
  await refuse.getByLabel("Explication (la personne la lira)").fill("Sans justificatif reçu en 31 jours, nous ne pouvons pas établir votre identité.");
  await refuse.getByRole("button", { name: "Refuser la demande" }).click();
  await expect(page.getByText("Fait : Refuser.")).toBeVisible();
  const mail = await waitForMail(subjectEmail, "nous ne pouvons pas établir votre identité");
  expect(mail.text).toContain("CNIL");
  expect(mail.text).toContain("recours juridictionnel");
});

for (const javaScriptEnabled of [true, false]) {
  test.describe(`JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("a restriction: a clarification that lets the clock run, then addenda after closing and its lifting with notice", async ({ page }, info) => {
      test.skip(info.project.name !== "desktop", "the console at 1280 px");
      test.setTimeout(120_000);
      const dpoEmail = uniqueEmail("addenda-dpo").replace("@example.org", "@sofacto.com");
      const subjectEmail = uniqueEmail("addenda-subject");
      addDpo(dpoEmail);
      await signIn(page, dpoEmail);
      const reference = await recordByEmail(page, "restriction", subjectEmail);
      // How identity was established: the customer number, checked.
      await openAction(page, "start");
      await page.locator('form[action$="/start"]').getByLabel("Identité établie par").selectOption("checked_fact");
      await page.getByRole("button", { name: "Commencer le traitement" }).click();
      await expect(page.getByText("Fait : Identité confirmée : traiter.")).toBeVisible();
      const due = await page.locator("[data-due]").textContent();

      // Recital 63: the form says the clock runs on, and it does.
      await openAction(page, "ask-clarification");
      const clarify = page.locator('form[action$="/ask-clarification"]');
      await expect(page.getByText("Le délai n'est pas suspendu")).toBeVisible();
      await clarify.getByLabel("Votre question").fill("Quelles données contestez-vous : l'adresse ou le téléphone ?");
      await clarify.getByRole("button", { name: "Envoyer la demande de précision" }).click();
      await expect(page.getByText("Fait : Demander une précision.")).toBeVisible();
      await waitForMail(subjectEmail, "l'adresse ou le téléphone");
      expect(await page.locator("[data-due]").textContent()).toBe(due);

      await openAction(page, "complete");
      const complete = page.locator('form[action$="/complete"]');
      await complete.getByLabel("Résumé de la réponse").fill("Vos données sont limitées : nous ne faisons plus que les conserver.");
      await complete.getByLabel("Ces données n'ont été communiquées à aucun destinataire").check();
      await complete.getByRole("button", { name: "Clore la demande" }).click();
      await expect(page.getByText("Fait : Clore : demande traitée.")).toBeVisible();
      await expect(page.getByText("Limitation en vigueur")).toBeVisible();

      // Art. 19 after closing: a recipient told later.
      await openAction(page, "add-recipient");
      const recipient = page.locator('form[action$="/add-recipient"]');
      await recipient.getByLabel("Destinataire").fill("Cabinet comptable Dupuis");
      await recipient.getByLabel("Informé le").fill(today());
      await recipient.getByRole("button", { name: "Ajouter le destinataire" }).click();
      await expect(page.getByText("Fait : Ajouter un destinataire informé (art. 19).")).toBeVisible();
      await expect(page.getByText("Cabinet comptable Dupuis").first()).toBeVisible();

      // A note and a message: addenda that do not reopen the request.
      await openAction(page, "note");
      const note = page.locator('form[action$="/note"]');
      await note.getByLabel("Note").fill("Appel du cabinet comptable le lendemain.");
      await note.getByRole("button", { name: "Ajouter la note" }).click();
      await expect(page.getByText("Fait : Note interne.")).toBeVisible();
      await openAction(page, "message");
      const message = page.locator('form[action$="/message"]');
      await message.getByLabel("Message").fill("Le cabinet comptable a été prévenu de la limitation.");
      await message.getByRole("button", { name: "Envoyer", exact: true }).click();
      await expect(page.getByText("Fait : Écrire à la personne.")).toBeVisible();
      await waitForMail(subjectEmail, "Le cabinet comptable a été prévenu de la limitation.");

      // Art. 18(3): the subject is told before the lifting takes effect.
      await openAction(page, "lift-restriction");
      const lift = page.locator('form[action$="/lift-restriction"]');
      await lift.getByLabel("Levée à compter du").fill(inDays(7));
      await lift.getByLabel("Pourquoi (la personne le lira)").fill("Votre contestation est vérifiée : l'adresse était exacte.");
      await shot(page, `law-addenda-js-${javaScriptEnabled ? "on" : "off"}`, "desktop");
      await lift.getByRole("button", { name: "Prévenir et lever la limitation" }).click();
      await expect(page.getByText("Fait : Lever la limitation.")).toBeVisible();
      const mail = await waitForMail(subjectEmail, "l'adresse était exacte");
      expect(mail.text).toContain("sera levée à compter du");
      await expect(page.getByText("Limitation levée à compter du")).toBeVisible();

      // A test request: marked, it leaves the dashboard's figures.
      await openAction(page, "mark-test");
      const mark = page.locator('form[action$="/mark-test"]');
      await mark.getByLabel("Cette demande est un test").check();
      await mark.getByRole("button", { name: "Enregistrer" }).click();
      await expect(page.getByText("Fait : Demande de test.")).toBeVisible();
      await expect(page.locator('[data-test="1"]')).toBeVisible();
      await expect(page.locator(".status")).toHaveText("Traitée");
      expect(reference).toMatch(/^R-/);
    });
  });
}
