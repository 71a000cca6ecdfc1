import { test as base, expect } from "@playwright/test";

/**
 * Every test's page records Content Security Policy violations, from the
 * `securitypolicyviolation` event and from the console, and the test fails
 * if there is any: the portal's pages must run under their own policy.
 */
export const test = base.extend({
  page: async ({ page }, use) => {
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/content.security.policy/i.test(message.text())) violations.push(message.text());
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
  },
});

export { expect };
