import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, envSchema, parseEnv } from "./env";

const dataDir = () => mkdtempSync(path.join(tmpdir(), "amango-env-"));

describe("environment", () => {
  it("runs on embedded defaults with no environment, generating dev secrets once", () => {
    const dir = dataDir();
    const a = parseEnv({ DATA_DIR: dir });
    expect(a.DATABASE_URL).toBeUndefined();
    expect(a.jobDriver).toBe("local");
    expect(Buffer.from(a.ENCRYPTION_KEY, "base64")).toHaveLength(32);
    expect(parseEnv({ DATA_DIR: dir }).AUTH_SECRET).toBe(a.AUTH_SECRET);
  });

  it("refuses production without its secrets and names each missing one", () => {
    expect(() => parseEnv({ NODE_ENV: "production", DATA_DIR: dataDir() })).toThrow(
      new EnvError(
        "Production refuses to start: missing DATABASE_URL, ENCRYPTION_KEY, AUTH_SECRET. See .env.example.",
      ),
    );
    expect(() =>
      parseEnv({ NODE_ENV: "production", DATABASE_URL: "postgres://x/y", AUTH_SECRET: "x".repeat(32) }),
    ).toThrow(/missing ENCRYPTION_KEY\./);
  });

  it("production refuses the development sign-in and demo mode, whatever else is set", () => {
    const full = {
      NODE_ENV: "production",
      DATABASE_URL: "postgres://x/y",
      AUTH_SECRET: "x".repeat(32),
      ENCRYPTION_KEY: "a",
    };
    expect(() => parseEnv({ ...full, DEV_LOGIN: "1" })).toThrow(/DEV_LOGIN must not be set/);
    // AMANGO_DEMO used to switch the production checks off, opening password-less sign-in as anyone.
    expect(() => parseEnv({ ...full, AMANGO_DEMO: "1", DEV_LOGIN: "1" })).toThrow(
      /DEV_LOGIN and AMANGO_DEMO must not be set/,
    );
    expect(() => parseEnv({ ...full, AMANGO_DEMO: "1" })).toThrow(/AMANGO_DEMO/);
    expect(() => parseEnv({ NODE_ENV: "production", AMANGO_DEMO: "1", DATA_DIR: dataDir() })).toThrow(
      /missing DATABASE_URL/,
    );
    // Outside production (the demo runs `next dev`, the e2e a build under NODE_ENV=test) both work.
    const demo = parseEnv({ NODE_ENV: "test", AMANGO_DEMO: "1", DEV_LOGIN: "1", DATA_DIR: dataDir() });
    expect(demo.isProduction).toBe(false);
    expect(demo.isDemo).toBe(true);
    expect(demo.DEV_LOGIN).toBe(true);
  });

  it("picks the Inngest driver when Inngest is configured", () => {
    expect(parseEnv({ INNGEST_EVENT_KEY: "k", DATA_DIR: dataDir() }).jobDriver).toBe("inngest");
    expect(parseEnv({ INNGEST_DEV: "1", DATA_DIR: dataDir() }).jobDriver).toBe("inngest");
  });

  it("reads every variable of .env.example, empty values meaning unset", async () => {
    const { readFileSync } = await import("node:fs");
    const example = Object.fromEntries(
      readFileSync(".env.example", "utf8")
        .split("\n")
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    expect(Object.keys(example).length).toBeGreaterThan(15);
    for (const key of Object.keys(example)) expect(Object.keys(envSchema.shape), key).toContain(key);
    expect(parseEnv({ ...example, DATA_DIR: dataDir() }).APP_URL).toBe("http://localhost:3000");
  });

  it("explains invalid values", () => {
    expect(() => parseEnv({ JOBS_POLL_MS: "fast", DATA_DIR: dataDir() })).toThrow(/JOBS_POLL_MS/);
  });
});
