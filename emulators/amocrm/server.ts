// amoCRM emulator: node:http server + top-level routing (accounts under /a/<sub>, consent at /oauth,
// control API under /__control/, widget host page). See README.md for every endpoint.
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { matchRoute } from "./api/router";
import { accountBase, createEmu, type Emu, type Fault, takeFault } from "./context";
import { handleControl, resetEmu } from "./control";
import { HttpError, problem } from "./errors";
import { type Req, type Res, readBody } from "./http";
import {
  consentDecision,
  consentPage,
  currentSubdomain,
  findAccessToken,
  legacySubdomain,
  tokenEndpoint,
} from "./oauth";
import { CONTROL_PAGE, controlPage } from "./pages/control-page";
import { entityPage } from "./pages/entity-pages";
import type { State } from "./state";
import { sessionUser, widgetHost, widgetHostAsset } from "./widget-host";

export {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_REDIRECT_URI,
  DEMO_SUBDOMAIN,
  OTHER_SUBDOMAIN,
} from "./seed";

export interface AmocrmEmulatorOptions {
  port?: number;
  host?: string;
  rateLimitPerSecond?: number;
  snapshotFile?: string;
  /** Base URL clients use to reach the emulator (defaults to http://<host>:<port>). */
  publicBaseUrl?: string;
  /**
   * Host name in the default base URL when it differs from the listening address, e.g. `localhost` while
   * listening on 127.0.0.1: the stand-in page is then another site than a portal on 127.0.0.1.
   */
  publicHost?: string;
  /** A directory served at `/__widgets/` (CORS open), e.g. an unpacked widget for the stand-in page. */
  widgetsDir?: string;
  /** The MANGO OFFICE emulator's base URL: the control page rings calls and shows requests through it. */
  mangoUrl?: string;
}

export interface RunningAmocrmEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
  /** In-process access for tests that need it (the control API is the public way). */
  emu: Emu;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function accountApi(emu: Emu, req: Req, sub: string): Promise<Res> {
  const acc = emu.state.accounts[sub];
  if (!acc) return problem(404, `Account ${sub} not found`);
  if (req.path === "/oauth2/access_token") {
    if (req.method !== "POST") return problem(405, "Method not allowed");
    return tokenEndpoint(emu, acc, req);
  }
  if (req.path === "/__widget-host" || req.path.startsWith("/__widget-host/"))
    return widgetHost(emu, acc, req);
  const card = req.method === "GET" ? entityPage(emu, acc, req.path) : null;
  if (card) return card;
  if (!req.path.startsWith("/api/")) return problem(404, `Cannot get ${accountBase(emu, sub)}${req.path}`);

  const verdict = emu.rate.check(sub, emu.clock.nowMs());
  if (verdict.kind === "blocked")
    return problem(403, "Account is blocked for exceeding the request rate limit");
  if (verdict.kind === "limited") {
    const res = problem(429, "Too many requests. Limit is exceeded, try again later.", {
      retry_after: verdict.retryAfter,
    });
    return { ...res, headers: { "retry-after": String(verdict.retryAfter) } };
  }

  // Bearer token issued for this account, or (inside the widget host page) the browser session cookie.
  const token = findAccessToken(emu, req);
  const session = token ? null : sessionUser(emu, req, sub);
  if ((!token || token.subdomain !== sub) && !session) return problem(401, "Unauthorized");
  if (!acc.paid) return problem(402, "Payment required: the account subscription has ended");

  // Admin-granted tokens may act with another user's rights via X-Context-User-ID (reference §2.5).
  let userId = token?.user_id ?? session ?? acc.current_user_id;
  const contextUser = Number(req.headers["x-context-user-id"]);
  if (token && contextUser && acc.users.find((u) => u.id === userId)?.is_admin) {
    if (!acc.users.some((u) => u.id === contextUser)) return problem(403, "Unknown context user");
    userId = contextUser;
  }

  const m = matchRoute(req.method, req.path);
  if (m.kind === "method") return problem(405, "Method not allowed");
  if (m.kind === "none") return problem(404, `Cannot get ${accountBase(emu, sub)}${req.path}`);
  return m.handler({
    emu,
    acc,
    req,
    params: m.params,
    userId,
    clientId: token?.client_id ?? null,
    base: accountBase(emu, sub),
  });
}

async function route(emu: Emu, req: Req, opts: AmocrmEmulatorOptions): Promise<Res> {
  const p = req.url.pathname;
  if (p === "/__control" || p === "/__control/") return { status: 303, headers: { location: CONTROL_PAGE } };
  if (p === CONTROL_PAGE || p.startsWith(`${CONTROL_PAGE}/`)) return controlPage(emu, req, opts.mangoUrl);
  if (p.startsWith("/__control")) return handleControl(emu, req, opts.snapshotFile);
  if (p === "/oauth" && req.method === "GET") return consentPage(emu, req);
  if (p === "/oauth" && req.method === "POST") return consentDecision(emu, req);
  if (p === "/oauth2/account/current/subdomain") return currentSubdomain(emu, req);
  if (p === "/oauth2/account/subdomain") return legacySubdomain(emu, req);
  if (p.startsWith("/__widget-host-assets/") || p.startsWith("/__fixtures/") || p.startsWith("/__widgets/"))
    return widgetHostAsset(p, opts.widgetsDir);
  if (p === "/" || p === "/health")
    return { status: 200, contentType: "application/json", body: { ok: true } };
  const m = /^\/a\/([a-z0-9-]+)(\/.*)?$/.exec(p);
  if (m?.[1]) return accountApi(emu, { ...req, path: m[2] ?? "/" }, m[1]);
  return problem(404, `Cannot get ${emu.publicBaseUrl}${p}`);
}

function write(res: ServerResponse, r: Res): void {
  const headers: Record<string, string> = { "x-request-id": crypto.randomUUID(), ...r.headers };
  let payload: string | Buffer | undefined;
  if (r.raw !== undefined) payload = r.raw;
  else if (r.body !== undefined && r.status !== 204) payload = JSON.stringify(r.body);
  if (payload !== undefined) headers["content-type"] = r.contentType ?? "application/json";
  res.writeHead(r.status, headers);
  res.end(payload);
}

/** The emulator's own HTML cards (`/a/<sub>/leads/detail/<id>`…): not API calls, so neither logged nor faulted. */
const isCardPage = (path: string) => /^\/a\/[^/]+\/(contacts|leads|companies)\/detail\//.test(path);

async function handle(emu: Emu, opts: AmocrmEmulatorOptions, inc: IncomingMessage, res: ServerResponse) {
  const url = new URL(inc.url ?? "/", emu.publicBaseUrl);
  const rawBody = await readBody(inc);
  const req: Req = { method: inc.method ?? "GET", url, path: url.pathname, headers: inc.headers, rawBody };
  const isControl = url.pathname.startsWith("/__control") || isCardPage(url.pathname);
  const fault: Fault | null =
    isControl || !url.pathname.startsWith("/a/") ? null : takeFault(emu, url.pathname);
  let out: Res;
  if (fault?.kind === "latency") await sleep(fault.latencyMs ?? 1000);
  if (fault?.kind === "drop") {
    out = { status: 0 };
    inc.socket.destroy(); // the client sees a reset connection, as on a network failure
  } else if (fault?.kind === "status") {
    out = problem(fault.status ?? 500, "Injected fault");
  } else {
    try {
      out = await route(emu, req, opts);
    } catch (e) {
      out = e instanceof HttpError ? e.res : problem(500, e instanceof Error ? e.message : String(e));
    }
    // Handled and stored; the answer goes out late (a client that timed out meanwhile gets nothing).
    if (fault?.kind === "late") await sleep(fault.latencyMs ?? 1000);
  }
  if (!isControl) {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(inc.headers)) if (typeof v === "string") headers[k] = v;
    emu.log.push({
      seq: (emu.log.at(-1)?.seq ?? 0) + 1,
      at: emu.clock.nowSec(),
      method: req.method,
      path: url.pathname,
      query: url.search,
      headers,
      body: rawBody,
      status: out.status,
      ...(fault ? { fault: fault.kind } : {}),
    });
    if (emu.log.length > 5000) emu.log.splice(0, emu.log.length - 5000);
  }
  if (fault?.kind !== "drop") write(res, out);
}

export async function startAmocrmEmulator(opts: AmocrmEmulatorOptions = {}): Promise<RunningAmocrmEmulator> {
  const host = opts.host ?? "127.0.0.1";
  const emu = createEmu({
    rateLimitPerSecond: opts.rateLimitPerSecond,
    publicBaseUrl: opts.publicBaseUrl ?? "http://placeholder",
  });
  // A snapshot file that already exists is the starting state (the demo keeps its data across restarts).
  if (opts.snapshotFile && existsSync(opts.snapshotFile)) {
    resetEmu(emu, JSON.parse(readFileSync(opts.snapshotFile, "utf8")) as State);
  }
  const server = createServer((inc, res) => {
    handle(emu, opts, inc, res).catch((e: unknown) => {
      if (!res.headersSent) write(res, problem(500, e instanceof Error ? e.message : String(e)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = opts.publicBaseUrl ?? `http://${opts.publicHost ?? host}:${port}`;
  emu.publicBaseUrl = url.replace(/\/$/, "");
  return {
    url: emu.publicBaseUrl,
    port,
    emu,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
