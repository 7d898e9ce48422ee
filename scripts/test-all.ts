import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

/**
 * `npm test`: typecheck, lint, then every Vitest project (unit, integration on PostgreSQL, e2e in
 * Chromium). Ends with one line "N passed, N failed" where typecheck and lint count as one check each.
 */
const checks: { name: string; ok: boolean }[] = [];
const run = (name: string, cmd: string, args: string[]) => {
  console.log(`\n▶ ${name}: ${cmd} ${args.join(" ")}`);
  const res = spawnSync(cmd, args, { stdio: "inherit", env: process.env });
  checks.push({ name, ok: res.status === 0 });
  return res.status === 0;
};

// R5 (reliability/r5-fuzz.rel.test.ts) at 10,000 bodies per route takes minutes; `npm test` runs it at 2,000,
// `npm run test:reliability` at the full count.
process.env.R5_BODIES ??= "2000";

run("typecheck", "npx", ["tsc", "--noEmit", "-p", "."]);
run("lint", "npx", ["biome", "check", "."]);

mkdirSync("test-results", { recursive: true });
const report = "test-results/vitest.json";
rmSync(report, { force: true });
const vitestOk = run("vitest", "npx", [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile=${report}`,
]);

let passed = checks.filter((c) => c.name !== "vitest" && c.ok).length;
let failed = checks.filter((c) => c.name !== "vitest" && !c.ok).length;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numTotalTests: number;
    numPendingTests: number;
    numTodoTests: number;
    testResults: { status: string; name: string; message?: string }[];
  };
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  // A file that failed to load has no failed test but did fail.
  const brokenFiles = r.testResults.filter((f) => f.status === "failed" && f.message);
  failed += brokenFiles.length;
  for (const f of brokenFiles) console.log(`✗ ${f.name}: ${f.message?.split("\n")[0]}`);
  if (r.numPendingTests + r.numTodoTests > 0) {
    console.log(`✗ ${r.numPendingTests + r.numTodoTests} skipped or todo tests: none may be left behind`);
    failed += r.numPendingTests + r.numTodoTests;
  }
} else if (!vitestOk) {
  failed += 1;
}

for (const c of checks) console.log(`${c.ok ? "✓" : "✗"} ${c.name}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && checks.every((c) => c.ok) ? 0 : 1);
