import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { ARTIFACTS_DIR } from "@/e2e/browser";
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_REDIRECT_URI,
  type RunningAmocrmEmulator,
  startAmocrmEmulator,
} from "@/emulators/amocrm/server";
import { type MangoEmulator, startMangoEmulator } from "@/emulators/mango/server";
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

export type AppServer = {
  url: string;
  db: TestDb;
  seed: PortalSeed;
  /** The MANGO emulator the portal talks to (`startAppServer({ mango: true })`). */
  mango?: MangoEmulator;
  /** The amoCRM emulator the portal signs in with (`startAppServer({ amocrm: true })`). */
  amocrm?: RunningAmocrmEmulator;
  stop(): Promise<void>;
};

export type AppServerOptions = {
  /** Also run the MANGO emulator and point the portal's MANGO_API_URL at it. */
  mango?: boolean;
  /**
   * Also run the amoCRM emulator as our integration's amoCRM (its DEMO_* client), with this portal's
   * callback and uninstall URLs registered (the seeded ones assume port 3000).
   */
  amocrm?: boolean;
  /** Extra environment for the portal (e.g. the amoCRM integration's client id and secret). */
  env?: Record<string, string>;
  /** Rows to add after the standard seed (e.g. a tenant on an emulator account). */
  seed?: (db: TestDb["db"]) => Promise<void>;
};

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
  const deadline = performance.now() + timeoutMs;
  let last = "no answer";
  while (performance.now() < deadline) {
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
export async function startAppServer(opts: AppServerOptions = {}): Promise<AppServer> {
  const dev = process.env.E2E_DEV === "1";
  if (!dev) ensureBuild();
  const db = await createTestDb();
  const dataDir = await mkdtemp(path.join(tmpdir(), "amango-e2e-"));
  let child: ChildProcess | undefined;
  let mango: MangoEmulator | undefined;
  let amocrm: RunningAmocrmEmulator | undefined;
  try {
    if (opts.mango) mango = await startMangoEmulator({ port: 0 });
    if (opts.amocrm) amocrm = await startAmocrmEmulator({ port: 0 });
    const seed = await seedPortal(db.db);
    await opts.seed?.(db.db);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    if (amocrm) await registerWithAmocrm(amocrm.url, url);
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
          // A production build served under NODE_ENV=test: production itself refuses the development
          // sign-in and demo mode these tests use (server/config/env.ts).
          NODE_ENV: dev ? "development" : "test",
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
          ...(mango ? { MANGO_API_URL: `${mango.url}/vpbx` } : {}),
          ...(amocrm
            ? {
                AMOCRM_EMULATOR_URL: amocrm.url,
                AMOCRM_CLIENT_ID: DEMO_CLIENT_ID,
                AMOCRM_CLIENT_SECRET: DEMO_CLIENT_SECRET,
              }
            : {}),
          ...opts.env,
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
      mango,
      amocrm,
      async stop() {
        await stopProcess(running);
        await mango?.close();
        await amocrm?.close();
        await db.drop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (child) await stopProcess(child);
    await mango?.close();
    await amocrm?.close();
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** Our callback first: the consent page redirects to the integration's first URI when none is asked for. */
async function registerWithAmocrm(emulatorUrl: string, appUrl: string): Promise<void> {
  const res = await fetch(`${emulatorUrl}/__control/integrations`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_id: DEMO_CLIENT_ID,
      redirect_uris: [`${appUrl}/api/auth/callback/amocrm`, DEMO_REDIRECT_URI],
      disconnect_url: `${appUrl}/api/amocrm/uninstall`,
    }),
  });
  if (!res.ok) throw new Error(`amoCRM emulator refused the integration: HTTP ${res.status}`);
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
