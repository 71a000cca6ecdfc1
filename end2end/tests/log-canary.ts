import fs from "node:fs";
import path from "node:path";

/**
 * After every journey: no line of the portal's log holds personal data
 * (SPEC §6). The journeys type addresses at example.org and the names
 * below; the privacy spec adds its own canaries (address, names, free
 * text, code, link token) to `canaries.txt`.
 */
const runDir = path.resolve(__dirname, "..", "..", "target", "e2e");

export default async function logCanary() {
  const log = fs.readFileSync(path.join(runDir, "server.log"), "utf8");
  const extra = fs.existsSync(path.join(runDir, "canaries.txt"))
    ? fs.readFileSync(path.join(runDir, "canaries.txt"), "utf8").split("\n").filter((l) => l.length > 0)
    : [];
  const canaries = ["@example.org", "Jeanne", "Martin", "Merci de confirmer", ...extra];
  const lines = log.split("\n");
  const leaks = canaries.flatMap((canary) =>
    lines.filter((line) => line.includes(canary)).map((line) => `${canary}: ${line}`),
  );
  // One spec alone (`make screenshots`) logs little: only the full run
  // must log enough to prove something.
  const partial = process.env.E2E_PARTIAL === "1";
  if (!partial && lines.length < 50) throw new Error(`the server log is too short to prove anything (${lines.length} lines)`);
  if (leaks.length > 0) throw new Error(`personal data in the server log:\n${leaks.slice(0, 20).join("\n")}`);
  console.log(`log canary: ${lines.length} log lines, none holds any of ${canaries.length} canaries`);
}
