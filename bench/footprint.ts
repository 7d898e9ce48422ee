import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { buildWidgetZip, widgetPackageFiles } from "@/server/widget/package";

const NEXT_DIR = path.resolve(".next");
export const NEEDS_BUILD = "run next build first";

/** widget.zip as `npm run widget:build` writes it, and its script.js gzipped. */
export function widgetSize(): { zipBytes: number; scriptGzipBytes: number } {
  const appUrl = "http://localhost:3000";
  const script = widgetPackageFiles({ appUrl }).get("script.js");
  return {
    zipBytes: buildWidgetZip({ appUrl }).byteLength,
    scriptGzipBytes: script ? gzipSync(script).byteLength : Number.NaN,
  };
}

/**
 * The portal's first-load JS, gzipped, from the `.next` build output: the chunks every app page loads
 * (build-manifest rootMainFiles and polyfills) plus the portal home's own (app-build-manifest), when that
 * manifest exists. null without a build.
 */
export function portalFirstLoadGzip(): { bytes: number; page: string } | null {
  const manifest = path.join(NEXT_DIR, "build-manifest.json");
  if (!existsSync(manifest)) return null;
  const build = JSON.parse(readFileSync(manifest, "utf8")) as {
    rootMainFiles?: string[];
    polyfillFiles?: string[];
  };
  const files = new Set([...(build.rootMainFiles ?? []), ...(build.polyfillFiles ?? [])]);
  let page = "(root chunks only)";
  const appManifest = path.join(NEXT_DIR, "app-build-manifest.json");
  if (existsSync(appManifest)) {
    const pages = (JSON.parse(readFileSync(appManifest, "utf8")) as { pages: Record<string, string[]> })
      .pages;
    const key =
      Object.keys(pages).find((k) => /\(portal\)\/page$|^\/page$/.test(k)) ??
      Object.keys(pages).find((k) => k.endsWith("/page"));
    if (key) {
      page = key;
      for (const f of pages[key]!) files.add(f);
    }
  }
  let bytes = 0;
  for (const f of files) {
    if (!f.endsWith(".js")) continue;
    const file = path.join(NEXT_DIR, f);
    if (existsSync(file)) bytes += gzipSync(readFileSync(file)).byteLength;
  }
  return { bytes, page };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

/**
 * Idle RSS of `next start` (the production server with its job poller), 10 s after /api/health answered,
 * on `databaseUrl`. null without a build; a string when it cannot run here.
 */
export async function idleRss(databaseUrl: string | undefined): Promise<number | string | null> {
  if (!existsSync(path.join(NEXT_DIR, "BUILD_ID"))) return null;
  if (!databaseUrl) return "production needs DATABASE_URL";
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), "amango-bench-"));
  const child = spawn(path.resolve("node_modules/.bin/next"), ["start", "-p", String(port)], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      AUTH_SECRET: "bench-auth-secret-bench-auth-secret-0000",
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
      APP_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: "silent",
    },
    stdio: "ignore",
  });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (Date.now() > deadline) return "did not start in 60 s";
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
        (r) => r.status < 500,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 10_000));
    return rssOf(child.pid!);
  } finally {
    child.kill("SIGTERM");
    await rm(dataDir, { recursive: true, force: true });
  }
}
