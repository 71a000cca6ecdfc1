import { test as base, expect } from "@playwright/test";

/** The portal's technical cookies, as the home page lists them (over
 * https they carry the `__Host-` prefix). */
const PORTAL_COOKIES = ["portal_lang", "portal_verification", "portal_session", "portal_dpo", "portal_dpo_device"];
const DAY_SECONDS = 24 * 3600;

/**
 * Every test's page is watched, and the test fails on:
 * - any Content Security Policy violation, from the
 *   `securitypolicyviolation` event or the console;
 * - any request the browser makes outside the portal's own origin;
 * - any cookie that is not one of the portal's, or lives a day or more.
 */
export const test = base.extend({
  page: async ({ page, baseURL }, use) => {
    const violations: string[] = [];
    const elsewhere: string[] = [];
    const origin = new URL(baseURL!).origin;
    page.on("console", (message) => {
      if (/content.security.policy/i.test(message.text())) violations.push(message.text());
    });
    page.context().on("request", (request) => {
      const url = new URL(request.url());
      if (!["data:", "blob:", "about:"].includes(url.protocol) && url.origin !== origin) {
        elsewhere.push(request.url());
      }
    });
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        console.error(
          `Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`,
        );
      });
    });
    await use(page);
    expect(violations, "Content Security Policy violations").toEqual([]);
    expect(elsewhere, "requests to another origin than the portal's").toEqual([]);
    const now = Date.now() / 1000;
    const cookies = await page.context().cookies();
    for (const cookie of cookies) {
      expect(PORTAL_COOKIES, `cookie ${cookie.name} is one of the portal's`).toContain(cookie.name.replace(/^__Host-/, ""));
      if (cookie.expires !== -1) {
        expect(cookie.expires - now, `cookie ${cookie.name} lives less than a day`).toBeLessThan(DAY_SECONDS);
      }
      expect(cookie.httpOnly, `cookie ${cookie.name} is HttpOnly`).toBe(true);
      expect(cookie.sameSite, `cookie ${cookie.name} SameSite`).not.toBe("None");
    }
  },
});

export { expect };
