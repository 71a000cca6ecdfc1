import { Page } from "@playwright/test";
import { expect, test } from "./csp";
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { shot, uniqueEmail, waitForMail } from "./mail";
import { addDpo, fileRequest, openAction, root, signIn } from "./people";

/** Declares one of SOFACTO's systems with the CLI, as an operator does;
 * returns its API key, printed once. */
function addSystem(name: string, rights: string, webhook?: string): { key: string; secret?: string } {
  const delivery = webhook ? ["--webhook", webhook] : ["--pull"];
  const out = execFileSync(path.join(root, "target", "release", "privacy-portal"), ["system", "add", name, "--rights", rights, ...delivery], {
    cwd: root,
    env: { ...process.env, PORTAL_DATA_DIR: path.join(root, "target", "e2e", "data") },
  }).toString();
  const line = (prefix: string) => out.split("\n").find((l) => l.startsWith(prefix))?.slice(prefix.length).trim();
  expect(line("api key: "), out).toBeTruthy();
  return { key: line("api key: ")!, secret: line("webhook secret: ") };
}

/** A system's webhook receiver, in a few lines, as the README shows it in
 * Python: it checks the Standard Webhooks signature. */
function receiver(port: number, secret: string) {
  const received: { reference: string; verified: boolean }[] = [];
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const signed = Buffer.concat([Buffer.from(`${req.headers["webhook-id"]}.${req.headers["webhook-timestamp"]}.`), body]);
      const expected = "v1," + crypto.createHmac("sha256", key).update(signed).digest("base64");
      const verified = String(req.headers["webhook-signature"]).split(" ").includes(expected);
      received.push({ reference: JSON.parse(body.toString()).data.reference, verified });
      res.writeHead(verified ? 204 : 401).end();
    });
  });
  server.listen(port, "127.0.0.1");
  return { received, close: () => server.close() };
}

/** A port nothing listens on, below Linux's ephemeral range (32768 and
 * up), where an outgoing connection may hold any port: a random port up
 * to 40000 once met one (EADDRINUSE). Tried, then let go. */
async function unusedPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = net.createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** The DPO signs in and starts processing `reference`: identity
 * established by a checked customer number. */
async function startProcessing(page: Page, dpoEmail: string, reference: string) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, dpoEmail);
  await page.goto(`/dpo/requests/${reference}`);
  await openAction(page, "start");
  await page.locator('form[action$="/start"]').getByLabel("Identité établie par").selectOption("checked_fact");
  await page.getByRole("button", { name: "Commencer le traitement" }).click();
  await expect(page.getByText("Fait : Identité confirmée : traiter.")).toBeVisible();
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
  const crm = addSystem(`crm-${suffix}`, "erasure").key;
  const billing = addSystem(`billing-${suffix}`, "erasure").key;
  const dpoEmail = uniqueEmail("systems-dpo").replace("@example.org", "@sofacto.com");
  addDpo(dpoEmail);
  const subjectEmail = uniqueEmail("systems-subject");
  const { reference } = await fileRequest(browser, subjectEmail, "erasure", "Demander l'effacement");

  await startProcessing(page, dpoEmail, reference);
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

test("a DPO sees a system's failing webhook and sends its tasks again once it is mended", async ({ page, browser }, info) => {
  test.skip(info.project.name !== "desktop", "the console at 1280 px");
  test.setTimeout(120_000);
  const suffix = `${Date.now() % 1_000_000}${Math.floor(Math.random() * 1000)}`;
  const port = await unusedPort();
  const name = `newsletter-${suffix}`;
  const { secret } = addSystem(name, "erasure", `http://127.0.0.1:${port}/hook`);
  const dpoEmail = uniqueEmail("webhook-dpo").replace("@example.org", "@sofacto.com");
  addDpo(dpoEmail);
  const { reference } = await fileRequest(browser, uniqueEmail("webhook-subject"), "erasure", "Demander l'effacement");

  await startProcessing(page, dpoEmail, reference);

  // Nothing listens yet: the console says so, with the error.
  await page.getByRole("link", { name: "Systèmes", exact: true }).click();
  const row = page.locator(`tr[data-system="${name}"]`);
  await expect(async () => {
    await page.reload();
    await expect(row).not.toHaveAttribute("data-failing", "0");
  }).toPass();
  await expect(row).toContainText("récepteur injoignable");
  await shot(page, "systems-failing", "desktop");

  // The receiver is mended; the DPO sends the tasks again now.
  const hook = receiver(port, secret!);
  try {
    await row.getByRole("button", { name: "Renvoyer maintenant" }).click();
    await expect(page.getByText("Les tâches non remises repartent maintenant.")).toBeVisible();
    await expect.poll(() => hook.received.find((d) => d.reference === reference)?.verified).toBe(true);
    await expect(async () => {
      await page.reload();
      await expect(row).toHaveAttribute("data-failing", "0");
    }).toPass();
    await expect(row).not.toContainText("jamais");
  } finally {
    hook.close();
  }
  await page.goto(`/dpo/requests/${reference}`);
  await expect(page.locator(`tr[data-system="${name}"]`)).toHaveAttribute("data-task-state", "delivered");
});
