import { getDb } from "@/db";
import { jobRuntime } from "@/inngest/runtime";
import { withSafeErrors } from "@/server/log/route-errors";
import { receiveDpWebhook } from "@/server/rules/dp-intake";

export const dynamic = "force-dynamic";

/** The widget's digital-pipeline webhook (manifest `dp.webhook_url`): /api/amocrm/<webhook key>/dp. */
export const POST = withSafeErrors(
  "amocrm.dp",
  async (req: Request, ctx: { params: Promise<{ key: string }> }) => {
    const { key } = await ctx.params;
    return receiveDpWebhook(
      req,
      { webhookKey: key },
      { db: await getDb(), queue: (await jobRuntime()).queue },
    );
  },
);
