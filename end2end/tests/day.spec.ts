import { Page } from "@playwright/test";
import { expect, test } from "./csp";
import { firstScreen, shot, uniqueEmail } from "./mail";
import { addDpo, fileRequest, openAction, signIn } from "./people";

/**
 * The DPO's day: the request page shows the next step first, the queue is
 * the day's work. Checked at 1280×900 (what fits without scrolling, the
 * page's height with every form closed) and at 375 px (one column,
 * nothing wider than the screen), and on paper.
 */
const VIEWPORT = { width: 1280, height: 900 };

/** The bottom of `selector`'s boxes, in page pixels. */
async function bottoms(page: Page, selector: string): Promise<number[]> {
  return page.locator(selector).evaluateAll((els) => els.map((el) => el.getBoundingClientRect().bottom + window.scrollY));
}

/** Closes every form and folded list, as a DPO would before reading. */
async function closeEverything(page: Page) {
  await page.evaluate(() => document.querySelectorAll("details[open]").forEach((d) => ((d as HTMLDetailsElement).open = false)));
}

test("the request page puts the next step first and the queue is the day's work", async ({ browser }, info) => {
  test.skip(info.project.name !== "desktop", "sizes set here: 1280×900 and 375 px");
  test.setTimeout(180_000);
  const dpoEmail = uniqueEmail("day-dpo").replace("@example.org", "@sofacto.com");
  addDpo(dpoEmail);
  const first = await fileRequest(browser, uniqueEmail("day-one"), "access", "Demander l'accès");
  const second = await fileRequest(browser, uniqueEmail("day-two"), "erasure", "Demander l'effacement");
  await first.page.context().close();
  await second.page.context().close();

  const context = await browser.newContext({ viewport: VIEWPORT, locale: "fr-FR" });
  const page = await context.newPage();
  await signIn(page, dpoEmail);

  // The queue: chips with their counts, each a filter; a line says what
  // comes next for each request.
  const chips = page.locator(".quick-filters");
  for (const chip of ["open", "overdue", "week", "waiting", "letters-to-post", "unassigned", "mine"]) {
    await expect(chips.locator(`[data-chip="${chip}"] .count`)).toHaveText(/^\d+$/);
  }
  await chips.locator('[data-chip="unassigned"]').click();
  await expect(page).toHaveURL(/\/dpo\?who=unassigned$/);
  await expect(chips.locator('[data-chip="unassigned"]')).toHaveAttribute("aria-current", "page");
  // The two requests share a due date: open whichever the list shows
  // first, so that the other one comes after it.
  const shown = await page.locator("tbody th a").allTextContents();
  const [opened, other] = [first.reference, second.reference].sort((a, b) => shown.indexOf(a) - shown.indexOf(b));
  expect(shown.indexOf(opened), "both requests are on the list").toBeGreaterThanOrEqual(0);
  const line = page.locator("tr", { has: page.getByRole("link", { name: opened }) });
  await expect(line.locator("[data-next-step]")).toHaveText("identité à confirmer");
  await expect(page.locator("tr", { has: page.getByRole("link", { name: other }) }).locator("[data-next-step]")).toHaveText("identité à confirmer");
  await shot(page, "day-queue", "desktop");
  await firstScreen(page, "queue");

  // The request page, from the list: above the fold, the facts, the
  // person, the next step's form and the last events.
  await line.getByRole("link", { name: opened }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Demande ${opened}`);
  await expect(page.locator(".next-step")).toHaveAttribute("data-next-step", "start");
  await expect(page.locator("#action-start")).toHaveAttribute("open", "");
  for (const selector of ["[data-status]", "[data-due]", "[data-person]", "#action-start button[type=submit]", ".timeline--recent li"]) {
    const below = (await bottoms(page, selector)).filter((bottom) => bottom > VIEWPORT.height);
    expect(below, `${selector} is below the first screen`).toEqual([]);
    expect((await bottoms(page, selector)).length, selector).toBeGreaterThan(0);
  }
  await expect(page.locator("[data-due]")).toHaveText(/^(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{1,2} \S+ \d{4}$/);
  await expect(page.locator(".timeline--recent time").first()).toHaveText(/\d{4} à \d{2}:\d{2} \(heure de Paris\)$/);
  // Only what the status allows: a new request cannot be completed.
  await expect(page.locator("#action-complete")).toHaveCount(0);
  await expect(page.locator("#action-record-answer")).toHaveCount(0);
  await shot(page, "day-request", "desktop");
  await firstScreen(page, "request");

  // Every form closed: at most two screens.
  await closeEverything(page);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  expect(height, "the page with every form closed").toBeLessThanOrEqual(1800);

  // A form sent with an error opens again with what was typed, its error
  // focused.
  await openAction(page, "link");
  await page.locator("#action-link").getByLabel("Référence de l'autre demande").fill("R-0000-0000");
  await page.getByRole("button", { name: "Lier", exact: true }).click();
  await expect(page.locator("#action-link")).toHaveAttribute("open", "");
  await expect(page.locator("#action-link").getByLabel("Référence de l'autre demande")).toHaveValue("R-0000-0000");
  await expect(page.locator("#action-link .error-summary, #action-link [role=alert]").first()).toBeVisible();
  await expect(page.locator(":focus")).toHaveCount(1);
  expect(await page.evaluate(() => document.activeElement?.closest("#action-link") !== null)).toBe(true);

  // A step done keeps the list: "next request" opens the next line.
  await page.locator("#action-start").getByRole("button", { name: "Commencer le traitement" }).click();
  await expect(page.getByText("Fait : Identité confirmée : traiter.")).toBeVisible();
  await expect(page.locator(".next-step")).toHaveAttribute("data-next-step", "complete");
  // The failed post above was answered at the page's bare address: the
  // list came back with the form, and "next request" still leads on.
  const next = page.locator("[data-next-request]");
  await expect(next).toBeVisible();
  await next.click();
  await expect(page.getByRole("heading", { level: 1 })).not.toHaveText(`Demande ${opened}`);
  await expect(page).toHaveURL(/who=unassigned/);

  // On paper: the dossier (facts, person, history, emails, files), without
  // the console's navigation and forms.
  await page.goto(`/dpo/requests/${opened}`);
  // Four notes make six events: the sixth, the oldest, is folded on screen.
  for (const n of [1, 2, 3, 4]) {
    await openAction(page, "note");
    await page.locator('form[action$="/note"]').getByLabel("Note").fill(`Note de lecture ${n}.`);
    await page.getByRole("button", { name: "Ajouter la note" }).click();
    await expect(page.getByText("Fait : Note interne.")).toBeVisible();
  }
  await expect(page.locator(".timeline--recent li")).toHaveCount(5);
  const oldest = page.locator("#history li");
  await expect(oldest).toHaveCount(1);
  await expect(oldest).toBeHidden();
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".console-nav")).toBeHidden();
  await expect(page.locator(".next-step")).toBeHidden();
  for (const form of await page.locator("main form").all()) await expect(form).toBeHidden();
  for (const selector of ["[data-status]", "[data-due]", "[data-person]", ".timeline--recent", "#emails-title", "#files-title"]) {
    await expect(page.locator(selector), selector).toBeVisible();
  }
  // The folded earlier events unfold on paper.
  await expect(oldest).toBeVisible();
  await expect(page.locator("#history > summary")).toBeHidden();
  await shot(page, "day-request-print", "desktop");
  await page.emulateMedia({ media: "screen" });
  await context.close();

  // At 375 px: one column, nothing wider than the screen.
  const phone = await (await browser.newContext({ viewport: { width: 375, height: 740 }, locale: "fr-FR" })).newPage();
  await signIn(phone, dpoEmail);
  await phone.goto(`/dpo/requests/${second.reference}`);
  const main = await phone.locator(".request-main").boundingBox();
  const side = await phone.locator(".request-side").boundingBox();
  expect(side!.y, "the history comes under the actions").toBeGreaterThanOrEqual(main!.y + main!.height - 1);
  expect(side!.x).toBeCloseTo(main!.x, 0);
  await shot(phone, "day-request", "phone");
  await phone.goto("/dpo");
  await shot(phone, "day-queue", "phone");
  await phone.context().close();
});
