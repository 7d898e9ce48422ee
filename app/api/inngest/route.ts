import { serve } from "inngest/next";
import { getJobsDb } from "@/db";
import { toInngestFunction } from "@/inngest/functions";
import { jobDefinitions } from "@/inngest/registry";
import { appInngestClient } from "@/inngest/runtime";
import { env } from "@/server/config/env";
import { withSafeErrors } from "@/server/log/route-errors";

export const dynamic = "force-dynamic";

// Inngest (Cloud or self-hosted) calls this endpoint to run the functions made from every job definition,
// on the jobs pool (db/index.ts), so a burst of runs never takes the connections of webhooks and the portal.
// Built on first request so that `next build` never reads the runtime environment.
let handlers: ReturnType<typeof serve> | undefined;
function inngestHandlers() {
  const inngest = appInngestClient();
  handlers ??= serve({
    client: inngest,
    functions: jobDefinitions.map((def) => toInngestFunction(inngest, def, getJobsDb)),
  });
  return handlers;
}

type Ctx = { params: Promise<Record<string, never>> };

/**
 * The endpoint is public, so it answers input, never 5xx for it: 404 when Inngest is not this deployment's
 * job driver (the local driver polls the database; nothing calls here), 400 for a body Inngest's handler
 * cannot parse (it throws on one), and any other failure 500 with a parameter-free log line.
 */
const route = (method: "GET" | "POST" | "PUT") =>
  withSafeErrors(`inngest.${method}`, async (req: Request, ctx: Ctx) => {
    if (env().jobDriver !== "inngest") return Response.json({ error: "not found" }, { status: 404 });
    try {
      return await inngestHandlers()[method](req as never, ctx as never);
    } catch (err) {
      if (err instanceof SyntaxError) return Response.json({ error: "malformed body" }, { status: 400 });
      throw err;
    }
  });

export const GET = route("GET");
export const POST = route("POST");
export const PUT = route("PUT");
