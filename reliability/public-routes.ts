// Reliability support (R3, R5): every route under app/ that answers without a session, mounted from its own
// route module (so `withSafeErrors`, the params and the route's wiring are what is tested), on the call-logging
// world's database (a tenant connected to both emulators, MANGO key and salt, amoCRM tokens). The routes'
// `getDb()` and `jobRuntime()` are pointed at the test database and a local queue that nothing polls, so
// what was queued stays countable. `dispatch` does Next's routing for these paths; `serveHandler` puts it on
// a real port.
import { openDb } from "@/db/client";
import { createLocalQueue } from "@/inngest/local/queue";
import { type LogWorld, startLogWorld } from "@/test/calls-world";
import { serveHandler } from "@/test/http-bridge";

export const MANGO_KEY = "demo-vpbx-key";
export const MANGO_SALT = "demo-vpbx-salt";

/** The public routes by their app/ path, as Next.js would match them. */
export const PUBLIC_ROUTES = [
  "POST /api/mango/[key]/[...path]",
  "POST /api/amocrm/[key]/dp",
  "POST /api/amocrm/[key]/events",
  "GET /api/amocrm/uninstall",
  "GET /api/health",
  "GET,POST /api/trpc/[trpc]",
  "GET,POST /widget/api/trpc/[trpc]",
  "POST /widget/api/session",
  "GET,POST /api/widget/session",
  "POST,OPTIONS /api/widget/launch",
  "POST,OPTIONS /api/widget/calls/ticket",
  "POST,OPTIONS /api/widget/calls/action",
  "GET /api/widget/calls/stream",
  "GET,POST,PUT /api/inngest",
] as const;

type Handler = (req: Request, ctx: { params: Promise<Record<string, unknown>> }) => Promise<Response>;
type RouteModule = Record<string, Handler | unknown>;

async function routeModules() {
  return {
    mango: (await import("@/app/api/mango/[key]/[...path]/route")) as RouteModule,
    dp: (await import("@/app/api/amocrm/[key]/dp/route")) as RouteModule,
    events: (await import("@/app/api/amocrm/[key]/events/route")) as RouteModule,
    uninstall: (await import("@/app/api/amocrm/uninstall/route")) as RouteModule,
    health: (await import("@/app/api/health/route")) as RouteModule,
    trpc: (await import("@/app/api/trpc/[trpc]/route")) as RouteModule,
    widgetTrpc: (await import("@/app/widget/api/trpc/[trpc]/route")) as RouteModule,
    widgetExchange: (await import("@/app/widget/api/session/route")) as RouteModule,
    widgetEntry: (await import("@/app/api/widget/session/route")) as RouteModule,
    launch: (await import("@/app/api/widget/launch/route")) as RouteModule,
    ticket: (await import("@/app/api/widget/calls/ticket/route")) as RouteModule,
    action: (await import("@/app/api/widget/calls/action/route")) as RouteModule,
    stream: (await import("@/app/api/widget/calls/stream/route")) as RouteModule,
    inngest: (await import("@/app/api/inngest/route")) as RouteModule,
  };
}

const PATTERNS: [RegExp, keyof Awaited<ReturnType<typeof routeModules>>, (m: RegExpExecArray) => unknown][] =
  [
    [/^\/api\/mango\/([^/]+)\/(.+)$/, "mango", (m) => ({ key: m[1], path: m[2]!.split("/") })],
    [/^\/api\/amocrm\/uninstall$/, "uninstall", () => ({})],
    [/^\/api\/amocrm\/([^/]+)\/dp$/, "dp", (m) => ({ key: m[1] })],
    [/^\/api\/amocrm\/([^/]+)\/events$/, "events", (m) => ({ key: m[1] })],
    [/^\/api\/health$/, "health", () => ({})],
    [/^\/api\/trpc\/([^/]+)$/, "trpc", (m) => ({ trpc: m[1] })],
    [/^\/widget\/api\/trpc\/([^/]+)$/, "widgetTrpc", (m) => ({ trpc: m[1] })],
    [/^\/widget\/api\/session$/, "widgetExchange", () => ({})],
    [/^\/api\/widget\/session$/, "widgetEntry", () => ({})],
    [/^\/api\/widget\/launch$/, "launch", () => ({})],
    [/^\/api\/widget\/calls\/ticket$/, "ticket", () => ({})],
    [/^\/api\/widget\/calls\/action$/, "action", () => ({})],
    [/^\/api\/widget\/calls\/stream$/, "stream", () => ({})],
  ];

export type PublicRoutes<W extends LogWorld = LogWorld> = Awaited<ReturnType<typeof startPublicRoutes<W>>>;

/** The public routes over `start`'s world (the call-logging world by default, or one built on it). */
export async function startPublicRoutes<W extends LogWorld = LogWorld>(
  start: () => Promise<W> = startLogWorld as () => Promise<W>,
) {
  const w = await start();
  const g = globalThis as unknown as { amangoDb?: Promise<unknown>; amangoJobs?: Promise<unknown> };
  // The process's database and job runtime, as db/index.ts and inngest/runtime.ts would make them. The
  // test database does not wait for its disk at commit (a throwaway database: tens of thousands of requests
  // in the time the suites have; what each statement does is unchanged).
  const handle = await openDb({ databaseUrl: `${w.t.url}?options=-c%20synchronous_commit%3Doff`, max: 10 });
  g.amangoDb = Promise.resolve(handle);
  g.amangoJobs = Promise.resolve({
    queue: createLocalQueue(handle.db),
    inngest: null,
    stop: async () => undefined,
  });
  const modules = await routeModules();

  /** Next's routing for the public paths: 404 for another path, 405 for another method. */
  async function dispatch(req: Request): Promise<Response> {
    const { pathname } = new URL(req.url);
    for (const [re, name, params] of PATTERNS) {
      const m = re.exec(pathname);
      if (!m) continue;
      const handler = modules[name][req.method];
      if (typeof handler !== "function") return new Response(null, { status: 405 });
      return (handler as Handler)(req, { params: Promise.resolve(params(m) as Record<string, unknown>) });
    }
    return new Response(null, { status: 404 });
  }
  const http = await serveHandler(dispatch);

  return {
    ...w,
    dispatch,
    /** The same routes on a real port. */
    httpUrl: http.url,
    async close() {
      await http.close();
      g.amangoDb = undefined;
      g.amangoJobs = undefined;
      await handle.close();
      await w.close();
    },
  };
}
