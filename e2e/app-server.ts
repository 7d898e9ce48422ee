import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { ARTIFACTS_DIR } from "@/e2e/browser";
import { createTestDb, type TestDb } from "@/test/db";
import { type PortalSeed, seedPortal } from "./portal-seed";

const ROOT = process.cwd();
const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");
/** What a production build depends on: newer files here mean `.next` is stale. */
const SOURCES = ["app", "components", "lib", "i18n", "messages", "server", "db", "inngest", "public"];
const ROOT_FILES = [
  "next.config.ts",
  "package.json",
  "package-lock.json",
  "postcss.config.mjs",
  "instrumentation.ts",
  "tsconfig.json",
];

export type AppServer = { url: string; db: TestDb; seed: PortalSeed; stop(): Promise<void> };

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const child of readdirSync(entry)) {
    if (child === "node_modules" || child.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  }
  return newest;
}

/** Builds once: only when `.next/BUILD_ID` is missing or older than a source file. */
export function ensureBuild(): void {
  const buildId = path.join(ROOT, ".next/BUILD_ID");
  const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const newest = Math.max(...[...SOURCES, ...ROOT_FILES].map((p) => newestMtime(path.join(ROOT, p))));
  if (built > newest) return;
  console.log(built ? "e2e: .next is stale, running next build" : "e2e: no build yet, running next build");
  const result = spawnSync(process.execPath, [NEXT_BIN, "build"], {
    cwd: ROOT,
    stdio: "inherit",
    env: process.env,
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status})`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`app server exited early (code ${child.exitCode}); see its log`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.status === 200) return;
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`app server not healthy after ${timeoutMs} ms: ${last}`);
}

/**
 * A fresh database seeded with a tenant, its owner and journal entries, and the app serving it:
 * `next start` on a free port (production build), or `next dev` with E2E_DEV=1.
 */
export async function startAppServer(): Promise<AppServer> {
  const dev = process.env.E2E_DEV === "1";
  if (!dev) ensureBuild();
  const db = await createTestDb();
  const dataDir = await mkdtemp(path.join(tmpdir(), "amango-e2e-"));
  let child: ChildProcess | undefined;
  try {
    const seed = await seedPortal(db.db);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const log = createWriteStream(path.join(ARTIFACTS_DIR, "app-server.log"));
    child = spawn(
      process.execPath,
      [NEXT_BIN, dev ? "dev" : "start", "-p", String(port), "-H", "127.0.0.1"],
      {
        cwd: ROOT,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          NODE_ENV: dev ? "development" : "production",
          DATABASE_URL: db.url,
          AMANGO_DEMO: "1",
          DEV_LOGIN: "1",
          JOBS_POLL_MS: "500",
          AUTH_SECRET: randomBytes(32).toString("hex"),
          ENCRYPTION_KEY: randomBytes(32).toString("base64"),
          APP_URL: url,
          // next-auth v4 builds its redirects from NEXTAUTH_URL (it would assume localhost:3000 otherwise).
          NEXTAUTH_URL: url,
          DATA_DIR: dataDir,
          LOG_LEVEL: "warn",
          NEXT_TELEMETRY_DISABLED: "1",
        },
      },
    );
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    await waitForHealth(url, child, dev ? 180_000 : 60_000);
    const running = child;
    return {
      url,
      db,
      seed,
      async stop() {
        await stopProcess(running);
        await db.drop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (child) await stopProcess(child);
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** SIGTERM to the server's process group (next spawns workers), SIGKILL if it lingers. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
