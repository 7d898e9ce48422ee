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
 * The portal's first-load JS, gzipped, from the `.next` build output: the chunks every page loads
 * (build-manifest rootMainFiles and polyfills) plus the entry chunks of the portal's «Обзор» page and its
 * layouts (its client-reference manifest's entryJSFiles, Turbopack's output). null without a build.
 */
export function portalFirstLoadGzip(
  page = "(app)/overview",
): { bytes: number; files: number; page: string } | null {
  const manifest = path.join(NEXT_DIR, "build-manifest.json");
  if (!existsSync(manifest)) return null;
  const build = JSON.parse(readFileSync(manifest, "utf8")) as {
    rootMainFiles?: string[];
    polyfillFiles?: string[];
  };
  const files = new Set([...(build.rootMainFiles ?? []), ...(build.polyfillFiles ?? [])]);
  const refs = path.join(NEXT_DIR, "server/app", page, "page_client-reference-manifest.js");
  if (existsSync(refs)) {
    const text = readFileSync(refs, "utf8");
    const at = text.indexOf('"entryJSFiles":');
    if (at >= 0) {
      let depth = 0;
      let end = at;
      for (let i = text.indexOf("{", at); i < text.length; i++) {
        if (text[i] === "{") depth++;
        else if (text[i] === "}" && --depth === 0) {
          end = i;
          break;
        }
      }
      for (const m of text.slice(at, end).matchAll(/"(static\/[^"]+\.js)"/g)) files.add(m[1]!);
    }
  }
  let bytes = 0;
  for (const f of files) {
    const file = path.join(NEXT_DIR, f);
    if (f.endsWith(".js") && existsSync(file)) bytes += gzipSync(readFileSync(file)).byteLength;
  }
  return { bytes, files: files.size, page };
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
