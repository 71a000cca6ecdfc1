import { defineConfig, devices } from "@playwright/test";
import path from "node:path";

// One portal (the release build `make test` made) and one real SMTP server on
// loopback, shared by every test. The Makefile empties target/e2e first.
const root = path.resolve(__dirname, "..");
const runDir = path.join(root, "target", "e2e");
export const maildir = path.join(runDir, "Maildir");
const port = process.env.E2E_PORT ?? "3100";
const smtpPort = process.env.E2E_SMTP_PORT ?? "2626";
export const baseURL = `http://127.0.0.1:${port}`;
// The portal's log, also kept in a file for the log canary (log-canary.ts).
export const serverLog = path.join(runDir, "server.log");
const portal = path.join(root, "target", "release", "privacy-portal");

export default defineConfig({
  testDir: "./tests",
  globalTeardown: "./tests/log-canary.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  outputDir: path.join(runDir, "results"),
  use: {
    baseURL,
    // A French visitor: the portal follows the browser's language.
    locale: "fr-FR",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], locale: "fr-FR", viewport: { width: 1280, height: 800 } } },
    { name: "phone", use: { ...devices["Pixel 7"], locale: "fr-FR", viewport: { width: 375, height: 740 } } },
  ],
  webServer: [
    {
      command: `python3 -m aiosmtpd -n -l 127.0.0.1:${smtpPort} -c aiosmtpd.handlers.Mailbox ${maildir}`,
      port: Number(smtpPort),
      reuseExistingServer: false,
    },
    {
      command: `bash -c 'set -o pipefail; "${portal}" 2>&1 | tee "${serverLog}"'`,
      cwd: root,
      url: `${baseURL}/health`,
      reuseExistingServer: false,
      stdout: "pipe",
      env: {
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        LEPTOS_SITE_ROOT: path.join(root, "target", "site"),
        PORTAL_DATA_DIR: path.join(runDir, "data"),
        PORTAL_PUBLIC_URL: baseURL,
        PORTAL_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        PORTAL_OUTBOX_POLL_SECS: "1",
        // Every test comes from 127.0.0.1: raise the per-connection limits.
        PORTAL_CODES_PER_IP_PER_HOUR: "1000",
        PORTAL_REQUESTS_PER_IP_PER_DAY: "1000",
        RUST_LOG: "info",
      },
    },
  ],
});
