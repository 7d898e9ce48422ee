import { serve } from "inngest/next";
import { getJobsDb } from "@/db";
import { toInngestFunction } from "@/inngest/functions";
import { jobDefinitions } from "@/inngest/registry";
import { appInngestClient } from "@/inngest/runtime";

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
export const GET = (req: Request, ctx: Ctx) => inngestHandlers().GET(req as never, ctx as never);
export const POST = (req: Request, ctx: Ctx) => inngestHandlers().POST(req as never, ctx as never);
export const PUT = (req: Request, ctx: Ctx) => inngestHandlers().PUT(req as never, ctx as never);
