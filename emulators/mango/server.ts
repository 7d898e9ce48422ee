import { existsSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { handleApi } from "./api";
import { handleRecordingGet } from "./commands/recording";
import { Ctx } from "./context";
import { createControl } from "./control";
import { sendJson } from "./http";
import { DEFAULT_EVENTS_BASE_URL } from "./seed";

/**
 * MANGO OFFICE emulator: one node:http server carrying
 *   /vpbx/…      the VPBX API (and the КЦ campaign methods, which MANGO also serves under /vpbx/),
 *   /cc/…        the КЦ API base (auto-callback tasks),
 *   /files/…     recording downloads (stands in for files.mango-office.ru),
 *   /__control/… the test/demo control API.
 */

export interface MangoEmulatorOptions {
  port?: number;
  host?: string;
  snapshotFile?: string;
  eventsBaseUrl?: string;
}

export interface MangoEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startMangoEmulator(opts: MangoEmulatorOptions = {}): Promise<MangoEmulator> {
  const host = opts.host ?? "127.0.0.1";
  const ctx = new Ctx(opts.eventsBaseUrl ?? process.env.MANGO_EVENTS_BASE_URL ?? DEFAULT_EVENTS_BASE_URL);
  if (opts.snapshotFile && existsSync(opts.snapshotFile)) await ctx.state.loadFrom(opts.snapshotFile);
  const control = createControl({ snapshotFile: opts.snapshotFile });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://emulator.local");
    const path = url.pathname;
    const run = async () => {
      if (path.startsWith("/__control/"))
        return control(ctx, path.slice("/__control/".length), req, res, url.searchParams);
      if (req.method === "GET" && handleRecordingGet(ctx, path, res)) return;
      if (path.startsWith("/vpbx/")) return handleApi(ctx, "vpbx", path.slice("/vpbx/".length), req, res);
      if (path.startsWith("/cc/")) return handleApi(ctx, "cc", path.slice("/cc/".length), req, res);
      if (path === "/" || path === "/__control")
        return sendJson(res, 200, { service: "mango-emulator", control: "/__control/health" });
      res.writeHead(404);
      res.end();
    };
    run().catch((err: unknown) => {
      console.error("[mango-emulator] request failed", err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // Keep-alive sockets from test clients must not hold close() open.
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}`;
  ctx.baseUrl = url;

  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        ctx.engine.clear();
        ctx.clock.dispose();
        ctx.delivery.clear();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
