import { expect, Page } from "@playwright/test";
import { simpleParser } from "mailparser";
import fs from "node:fs/promises";
import path from "node:path";

const maildir = path.resolve(__dirname, "..", "..", "target", "e2e", "Maildir");

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

async function readAll(): Promise<Mail[]> {
  const mails: Mail[] = [];
  for (const sub of ["new", "cur"]) {
    let names: string[] = [];
    try {
      names = (await fs.readdir(path.join(maildir, sub))).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const parsed = await simpleParser(await fs.readFile(path.join(maildir, sub, name)));
      const to = Array.isArray(parsed.to) ? parsed.to[0] : parsed.to;
      mails.push({ to: to?.value[0]?.address ?? "", subject: parsed.subject ?? "", text: parsed.text ?? "" });
    }
  }
  return mails;
}

/** The latest email to `to` whose text contains `needle`, waiting for it. */
export async function waitForMail(to: string, needle: string): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(
      async () => {
        found = (await readAll()).reverse().find((m) => m.to === to && m.text.includes(needle));
        return found !== undefined;
      },
      { timeout: 20_000, message: `an email to ${to} containing ${needle}` },
    )
    .toBe(true);
  return found!;
}

export async function codeFor(to: string): Promise<string> {
  const mail = await waitForMail(to, "/verify/link/");
  const match = mail.text.match(/Code ?: (\d{6})/);
  expect(match, mail.text).not.toBeNull();
  return match![1];
}

/** The path of the one-click link in the latest code email to `to`. */
export async function linkFor(to: string): Promise<string> {
  const mail = await waitForMail(to, "/verify/link/");
  const match = mail.text.match(/\/verify\/link\/[0-9a-f]{64}/);
  expect(match, mail.text).not.toBeNull();
  return match![0];
}

/** A fresh address for each test run, so journeys never share state. */
export function uniqueEmail(label: string): string {
  return `${label}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.org`.toLowerCase();
}

/** A full-page screenshot under target/e2e/screenshots, after checking that
 * nothing is wider than the screen. */
export async function shot(page: Page, name: string, project: string): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name}: the page is wider than the screen`).toBeLessThanOrEqual(0);
  await page.screenshot({
    path: path.resolve(__dirname, "..", "..", "target", "e2e", "screenshots", `${project}-${name}.png`),
    fullPage: true,
  });
}

/** The first screen only, as the README shows it: `make screenshots` copies
 * these from target/e2e/screenshots into docs/screenshots. */
export async function firstScreen(page: Page, name: string): Promise<void> {
  await page.screenshot({
    path: path.resolve(__dirname, "..", "..", "target", "e2e", "screenshots", `readme-${name}.png`),
  });
}
