import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const run = (env: Record<string, string>) =>
  spawnSync(process.execPath, ["--import", "tsx", "scripts/preflight.ts"], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      DATA_DIR: mkdtempSync(path.join(tmpdir(), "pf-")),
      ...env,
    } as unknown as NodeJS.ProcessEnv,
    encoding: "utf8",
  });

describe("npm start preflight", () => {
  it("refuses to start production without its secrets, naming what is missing", () => {
    const res = run({ NODE_ENV: "production", DATABASE_URL: "postgres://127.0.0.1/x" });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("Production refuses to start: missing ENCRYPTION_KEY, AUTH_SECRET");
  });

  it("starts with no environment at all on embedded defaults", () => {
    const res = run({});
    expect(res.status).toBe(0);
    expect(res.stderr).toContain("environment ok (development, jobs: local)");
  });
});
