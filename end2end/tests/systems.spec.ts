import { expect, test } from "./csp";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { shot, uniqueEmail, waitForMail } from "./mail";
import { addDpo, fileRequest, openAction, root, signIn } from "./people";

/** Declares one of SOFACTO's systems with the CLI, as an operator does;
 * returns its API key, printed once. */
function addSystem(name: string, rights: string): string {
  const out = execFileSync(path.join(root, "target", "release", "privacy-portal"), ["system", "add", name, "--rights", rights, "--pull"], {
    cwd: root,
    env: { ...process.env, PORTAL_DATA_DIR: path.join(root, "target", "e2e", "data") },
  }).toString();
  const key = out.split("\n").find((line) => line.startsWith("api key: "));
  expect(key, out).toBeTruthy();
  return key!.slice("api key: ".length).trim();
}

/** A system's own code: finds its task for `reference` and answers it. */
async function answer(baseURL: string, key: string, reference: string, result: object) {
  const auth = { Authorization: `Bearer ${key}` };
  let task: { id: string } | undefined;
  await expect
    .poll(async () => {
      const list = await (await fetch(`${baseURL}/api/v1/tasks?state=open`, { headers: auth })).json();
      task = list.tasks.find((t: { reference: string }) => t.reference === reference);
      return task !== undefined;
    })
    .toBe(true);
  const response = await fetch(`${baseURL}/api/v1/tasks/${task!.id}/result`, {
    method: "POST",
    headers: { ...auth, "Content-Type": "application/json", "Idempotency-Key": `${reference}-${Date.now()}` },
    body: JSON.stringify(result),
  });
  expect(response.status).toBe(200);
}

test("a DPO sees two systems' results on a request and completes it with the file and the kept part they sent", async ({ page, browser, baseURL }, info) => {
  test.skip(info.project.name !== "desktop", "the console at 1280 px, the subject at 375 px, in one test");
  test.setTimeout(120_000);
  const suffix = `${Date.now() % 1_000_000}${Math.floor(Math.random() * 1000)}`;
  const crm = addSystem(`crm-${suffix}`, "erasure");
  const billing = addSystem(`billing-${suffix}`, "erasure");
  const dpoEmail = uniqueEmail("systems-dpo").replace("@example.org", "@sofacto.com");
  addDpo(dpoEmail);
  const subjectEmail = uniqueEmail("systems-subject");
  const { reference } = await fileRequest(browser, subjectEmail, "erasure", "Demander l'effacement");

  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, dpoEmail);
  await page.goto(`/dpo/requests/${reference}`);
  await openAction(page, "start");
  await page.locator('form[action$="/start"]').getByLabel("Identité établie par").selectOption("checked_fact");
  await page.getByRole("button", { name: "Commencer le traitement" }).click();
  await expect(page.getByText("Fait : Identité confirmée : traiter.")).toBeVisible();
  // Both systems got their task; neither has answered.
  const systems = page.locator("section[data-systems]");
  await expect(systems.locator(`tr[data-system="crm-${suffix}"]`)).toHaveAttribute("data-task-state", "waiting");
  await expect(systems.locator(`tr[data-system="billing-${suffix}"]`)).toHaveAttribute("data-task-state", "waiting");

  // The CRM erased, and sends its confirmation; billing keeps the invoices.
  const confirmation = JSON.stringify({ erased: ["contact", "opportunities"], at: "2026-12-05" });
  await answer(baseURL!, crm, reference, {
    outcome: "done",
    files: [{ name: "crm-effacement.json", content_type: "application/json", content_base64: Buffer.from(confirmation).toString("base64") }],
  });
  await answer(baseURL!, billing, reference, {
    outcome: "retained",
    reason: "Vos factures de 2024 et 2025, conservées dix ans",
    legal_ground: "legal_obligation",
  });

  await page.reload();
  await expect(systems.locator(`tr[data-system="crm-${suffix}"]`)).toHaveAttribute("data-task-state", "done");
  const kept = systems.locator(`tr[data-system="billing-${suffix}"]`);
  await expect(kept).toHaveAttribute("data-task-state", "kept");
  await expect(kept).toContainText("Vos factures de 2024 et 2025");
  await expect(kept).toContainText("obligation légale");
  await systems.scrollIntoViewIfNeeded();
  await shot(page, "systems-results", "desktop");

  // The completion starts from the results: the file ticked, the kept
  // part and its ground filled in.
  await openAction(page, "complete");
  const complete = page.locator('form[action$="/complete"]');
  await expect(complete.getByLabel("crm-effacement.json")).toBeChecked();
  await expect(complete.locator('input[name="form[kept][0][what]"]')).toHaveValue("Vos factures de 2024 et 2025, conservées dix ans");
  await expect(complete.locator('select[name="form[kept][0][ground]"]')).toHaveValue("legal_obligation");
  await complete.getByLabel("Résumé de la réponse").fill("Vos données sont effacées de nos outils, sauf vos factures.");
  await complete.getByLabel("Ces données n'ont été communiquées à aucun destinataire").check();
  await shot(page, "systems-complete", "desktop");
  await complete.getByRole("button", { name: "Clore la demande" }).click();
  await expect(page.getByText("Fait : Clore : demande traitée.")).toBeVisible();
  const mail = await waitForMail(subjectEmail, "sauf vos factures");
  expect(mail.text).toContain("Vos factures de 2024 et 2025");
  expect(mail.text).toContain("CNIL");
});
