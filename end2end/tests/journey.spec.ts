import { Page } from "@playwright/test";
import { expect, test } from "./csp";
import { codeFor, linkFor, shot, uniqueEmail, waitForMail } from "./mail";

type Right = "access" | "rectification" | "erasure" | "restriction" | "portability" | "objection";

const START_LINK: Record<Right, string> = {
  access: "Demander l'accès",
  rectification: "Demander une rectification",
  erasure: "Demander l'effacement",
  restriction: "Demander une limitation",
  portability: "Demander la portabilité",
  objection: "M'opposer à un traitement",
};

/** From the home page to the form, verifying the address with the emailed code. */
async function verify(page: Page, right: Right, email: string, project: string, js: boolean) {
  await page.goto("/");
  await page.getByRole("link", { name: START_LINK[right] }).click();
  await expect(page).toHaveURL(new RegExp(`/verify\\?right=${right}$`));
  if (js) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Vérifier votre adresse e-mail");
  await page.getByLabel("Votre adresse e-mail").fill(email);
  await shot(page, `${right}-1-email`, project);
  await page.getByRole("button", { name: "Recevoir un code" }).click();

  await expect(page).toHaveURL(/\/verify\/code$/);
  await expect(page.getByText("Nous avons envoyé un code à 6 chiffres")).toBeVisible();
  if (js) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  const code = await codeFor(email);
  await page.getByLabel("Code à 6 chiffres").fill(code);
  await shot(page, `${right}-2-code`, project);
  await page.getByRole("button", { name: "Vérifier", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/request/new\\?right=${right}$`));
  if (js) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

async function fillCommon(page: Page) {
  await page.getByLabel("Prénom", { exact: true }).fill("Jeanne");
  await page.getByLabel("Nom", { exact: true }).fill("Martin");
  await page.getByLabel("Votre lien avec SOFACTO").selectOption("prospect");
}

async function fillRight(page: Page, right: Right) {
  switch (right) {
    case "access":
      await page.getByLabel("Certaines catégories seulement").check();
      await page.getByLabel(/Données client/).check();
      break;
    case "rectification":
      await page.getByLabel("Donnée concernée").first().fill("Nom");
      await page.getByLabel("Valeur actuelle").first().fill("Martn");
      await page.getByLabel("Valeur corrigée").first().fill("Martin");
      await page.getByRole("button", { name: "Ajouter une correction" }).click();
      await page.getByLabel("Donnée concernée").nth(1).fill("Ville");
      await page.getByLabel("Valeur corrigée").nth(1).fill("Montpellier");
      break;
    case "erasure":
      await page.getByLabel("Motif (facultatif)").selectOption("consent_withdrawn");
      break;
    case "restriction":
      await page.getByLabel("Motif de la limitation").selectOption("accuracy_contested");
      break;
    case "portability":
      await page.getByLabel("CSV").check();
      await page.getByLabel("Directement à un autre organisme").check();
      await page.getByLabel("Nom de l'organisme").fill("Acme");
      await page.getByLabel("E-mail de contact de l'organisme").fill("dpo@acme.example");
      break;
    case "objection":
      await page.getByLabel("Les statistiques et la segmentation").check();
      await page.getByLabel("Vos raisons").fill("Je ne souhaite pas être profilée.");
      break;
  }
}

/** Submits, checks the receipt, the two emails and the follow page. With
 * JavaScript, the form is sent by its server function, not posted. */
async function submitAndFollow(page: Page, right: Right, email: string, project: string, js = true) {
  await shot(page, `${right}-3-form`, project);
  const called = js ? page.waitForResponse((r) => r.url().endsWith("/api/submit_request")) : null;
  await page.getByRole("button", { name: "Envoyer ma demande" }).click();
  if (called) expect((await called).status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Demande envoyée" })).toBeVisible();
  const reference = (await page.locator(".reference").textContent())!.trim();
  expect(reference).toMatch(/^R-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  await expect(page.getByText("Réponse au plus tard le")).toBeVisible();
  await shot(page, `${right}-4-receipt`, project);

  const dpo = await waitForMail("dpo@sofacto.com", reference);
  expect(dpo.subject).toContain(reference);
  expect(dpo.text).not.toContain("Jeanne");
  const ack = await waitForMail(email, reference);
  expect(ack.text).toContain("Réponse au plus tard le");

  await page.getByRole("link", { name: "Toutes mes demandes" }).click();
  await expect(page.getByRole("link", { name: reference })).toBeVisible();
  await shot(page, `${right}-5-follow`, project);
  return reference;
}

for (const right of ["access", "rectification", "erasure", "restriction", "portability"] as Right[]) {
  test(`${right}: verify, fill, submit, receipt, emails and follow page`, async ({ page }, info) => {
    const email = uniqueEmail(`${right}-${info.project.name}`);
    await verify(page, right, email, info.project.name, true);
    await page.evaluate(() => ((window as any).__sameDocument = true));
    await fillCommon(page);
    await fillRight(page, right);
    // Rows are added in place, without a round trip.
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    await submitAndFollow(page, right, email, info.project.name);
  });
}

test("objection: a missing field is shown beside it, nothing typed is lost, then it goes through", async ({ page }, info) => {
  const email = uniqueEmail(`objection-${info.project.name}`);
  await verify(page, "objection", email, info.project.name, true);
  await fillCommon(page);
  await page.getByLabel("Un autre traitement fondé sur l'intérêt légitime de SOFACTO").check();
  await page.evaluate(() => ((window as any).__sameDocument = true));
  await page.getByRole("button", { name: "Envoyer ma demande" }).click();
  const reason = page.getByLabel("Vos raisons");
  // Checked in the browser with the server's rules: no round trip, no reload.
  await expect(reason).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#reason-error")).toHaveText("Ce champ est obligatoire.");
  // The focus moves to the summary, whose link leads to the field.
  const summary = page.locator(".error-summary");
  await expect(summary).toBeFocused();
  await expect(summary).toContainText("Certains champs sont à compléter");
  const toReason = summary.getByRole("link", { name: "Vos raisons : Ce champ est obligatoire." });
  await expect(toReason).toHaveAttribute("href", "#reason");
  await toReason.click();
  await expect(reason).toBeFocused();
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
  await expect(page.getByLabel("Prénom", { exact: true })).toHaveValue("Jeanne");
  await shot(page, "objection-3b-error", info.project.name);
  await reason.fill("Je ne souhaite pas être profilée.");
  await submitAndFollow(page, "objection", email, info.project.name);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("rectification: the whole journey works with forms that post", async ({ page }, info) => {
    const email = uniqueEmail(`nojs-${info.project.name}`);
    await verify(page, "rectification", email, `${info.project.name}-nojs`, false);
    await fillCommon(page);
    // Without JavaScript the extra row comes from the server, keeping what was typed.
    await page.getByLabel("Donnée concernée").first().fill("Nom");
    await page.getByLabel("Valeur corrigée").first().fill("Martin");
    await page.getByRole("button", { name: "Ajouter une correction" }).click();
    await expect(page.getByLabel("Donnée concernée")).toHaveCount(2);
    await expect(page.getByLabel("Prénom", { exact: true })).toHaveValue("Jeanne");
    await expect(page.getByLabel("Donnée concernée").first()).toHaveValue("Nom");
    await page.getByLabel("Donnée concernée").nth(1).fill("Ville");
    // A phone reply needs a number: the server says so next to the field.
    await page.getByLabel("Par téléphone").check();
    await page.getByRole("button", { name: "Envoyer ma demande" }).click();
    await expect(page.locator("#reply_phone-error")).toHaveText("Ce champ est obligatoire.");
    // The summary has the focus, and links each error to its field.
    await expect(page.locator(".error-summary")).toBeFocused();
    await page.getByRole("link", { name: "Numéro de téléphone : Ce champ est obligatoire." }).click();
    await expect(page.getByLabel("Numéro de téléphone")).toBeFocused();
    await expect(page.locator("#rows-1--corrected-error")).toHaveText("Ce champ est obligatoire.");
    await expect(page.getByLabel("Donnée concernée").nth(1)).toHaveValue("Ville");
    await page.getByLabel("Numéro de téléphone").fill("+33 4 67 00 00 00");
    await page.getByLabel("Valeur corrigée").nth(1).fill("Montpellier");
    await submitAndFollow(page, "rectification", email, `${info.project.name}-nojs`, false);
  });
});

test("the email's link, opened on another device, names the address and warns before confirming it", async ({ page, browser }, info) => {
  const email = uniqueEmail(`link-${info.project.name}`);
  await page.goto("/verify?right=access");
  await page.getByLabel("Votre adresse e-mail").fill(email);
  await page.getByRole("button", { name: "Recevoir un code" }).click();
  await expect(page).toHaveURL(/\/verify\/code$/);
  const link = await linkFor(email);
  // The phone that reads the email has no cookie of the portal.
  const phone = await browser.newPage({ locale: "fr-FR", viewport: { width: 375, height: 700 } });
  await phone.goto(new URL(link, page.url()).href);
  const masked = `${email[0]}***@example.org`;
  await expect(phone.getByText(`Ce lien confirme l'adresse ${masked}`)).toBeVisible();
  await expect(phone.getByText("Vous n'avez rien demandé ?")).toBeVisible();
  await shot(phone, "link-confirm", info.project.name);
  await phone.getByRole("button", { name: "Confirmer mon adresse" }).click();
  await expect(phone).toHaveURL(/\/request\/new\?right=access$/);
  await expect(phone.getByText(`Adresse vérifiée : ${masked}`)).toBeVisible();
  await phone.close();
});

test("one journey in English", async ({ page }, info) => {
  const email = uniqueEmail(`english-${info.project.name}`);
  await page.goto("/");
  await page.getByRole("link", { name: "Read this site in English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.getByRole("link", { name: "Ask for erasure" }).click();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Your email address").fill(email);
  await page.getByRole("button", { name: "Send me a code" }).click();
  await expect(page.getByText("We sent a 6-digit code to")).toBeVisible();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("6-digit code").fill(await codeFor(email));
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("First name").fill("Jane");
  await page.getByLabel("Last name").fill("Martin");
  await page.getByLabel("Your relation to SOFACTO").selectOption("client");
  await page.getByLabel("Language of our answers").selectOption("en");
  await page.getByLabel("Only some categories").check();
  await page.getByRole("button", { name: "Send my request" }).click();
  await expect(page.locator("#categories-error")).toHaveText(/Tick at least one category/);
  await page.getByLabel(/Prospect data/).check();
  await shot(page, "english-form", info.project.name);
  await page.getByRole("button", { name: "Send my request" }).click();
  await expect(page.getByRole("heading", { name: "Request sent" })).toBeVisible();
  const reference = (await page.locator(".reference").textContent())!.trim();
  const ack = await waitForMail(email, reference);
  expect(ack.text).toContain("Answer due by");
  await shot(page, "english-receipt", info.project.name);
});

test("a request can be withdrawn from its page, and the DPO is told", async ({ page }, info) => {
  const email = uniqueEmail(`withdraw-${info.project.name}`);
  await verify(page, "access", email, `${info.project.name}-withdraw`, true);
  await fillCommon(page);
  await page.getByRole("button", { name: "Envoyer ma demande" }).click();
  const reference = (await page.locator(".reference").textContent())!.trim();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  // Withdrawing asks for confirmation first.
  await expect(page.getByRole("button", { name: "Oui, retirer ma demande" })).toBeHidden();
  await page.getByText("Retirer ma demande", { exact: true }).click();
  await page.getByRole("button", { name: "Oui, retirer ma demande" }).click();
  await expect(page.locator(".facts")).toContainText("Retirée");
  await expect(page.getByText("Retirer ma demande", { exact: true })).toHaveCount(0);
  await waitForMail("dpo@sofacto.com", `a retiré sa demande ${reference}`);
  await waitForMail(email, "Comme vous l'avez demandé, votre demande");
});
