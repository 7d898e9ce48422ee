// One app instance for the reliability suites (issue 16, R1 and R2), run with tsx as a child process: everything
// an instance does except rendering pages. It serves the webhook intake routes on a port (the same functions
// app/api/mango/[key]/[...path], app/api/amocrm/[key]/dp and …/events call, wrapped as the routes wrap them)
// and runs the process's job runtime (inngest/runtime.ts: the local driver polling the registry's job
// definitions) on DATABASE_URL. A production build takes minutes on the test machine; this starts in seconds.
//
// Environment: DATABASE_URL, APP_PORT (0 = any free port), JOBS_LEASE_MS, JOBS_POLL_MS, MANGO_API_URL as an
// instance reads them. It prints `listening <url>` on stdout once it accepts requests.
import { getDb } from "@/db";
import { jobRuntime } from "@/inngest/runtime";
import { receiveMangoEvent } from "@/server/events/mango-intake";
import { withSafeErrors } from "@/server/log/route-errors";
import { receiveAccountWebhook } from "@/server/rules/account-webhook-intake";
import { receiveDpWebhook } from "@/server/rules/dp-intake";
import { serveHandler } from "@/test/http-bridge";

const mangoRoute = withSafeErrors("mango.events", async (req: Request, key: string, path: string) =>
  receiveMangoEvent(req, { webhookKey: key, path }, { db: await getDb(), queue: (await jobRuntime()).queue }),
);
const dpRoute = withSafeErrors("amocrm.dp", async (req: Request, key: string) =>
  receiveDpWebhook(req, { webhookKey: key }, { db: await getDb(), queue: (await jobRuntime()).queue }),
);
const eventsRoute = withSafeErrors("amocrm.events", async (req: Request, key: string) =>
  receiveAccountWebhook(req, { webhookKey: key }, { db: await getDb(), queue: (await jobRuntime()).queue }),
);

async function route(req: Request): Promise<Response> {
  const path = new URL(req.url).pathname;
  if (req.method !== "POST") return new Response(null, { status: 405 });
  const mango = /^\/api\/mango\/([^/]+)\/(.+)$/.exec(path);
  if (mango) return mangoRoute(req, mango[1]!, mango[2]!);
  const amo = /^\/api\/amocrm\/([^/]+)\/(dp|events)$/.exec(path);
  if (amo) return amo[2] === "dp" ? dpRoute(req, amo[1]!) : eventsRoute(req, amo[1]!);
  return new Response("not found", { status: 404 });
}

async function main() {
  // The database and the job driver first, as an instance's start does (instrumentation.ts).
  await getDb();
  await jobRuntime();
  const server = await serveHandler(route, Number(process.env.APP_PORT ?? 0));
  process.stdout.write(`listening ${server.url}\n`);
}

main().catch((err) => {
  process.stderr.write(`app process failed to start: ${String(err)}\n`);
  process.exit(1);
});
