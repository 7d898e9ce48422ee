import { getDb } from "@/db";
import { jobRuntime } from "@/inngest/runtime";
import { receiveMangoEvent } from "@/server/events/mango-intake";
import { withSafeErrors } from "@/server/log/route-errors";

export const dynamic = "force-dynamic";

/** MANGO OFFICE posts every event here: /api/mango/<webhook key>/events/call, …/result/sms, … */
export const POST = withSafeErrors(
  "mango.events",
  async (req: Request, ctx: { params: Promise<{ key: string; path: string[] }> }) => {
    const { key, path } = await ctx.params;
    return receiveMangoEvent(
      req,
      // A trailing slash may reach us as an empty last segment: the event path is the same without it.
      { webhookKey: key, path: path.filter((segment) => segment !== "").join("/") },
      {
        db: await getDb(),
        queue: (await jobRuntime()).queue,
      },
    );
  },
);
