import { getDb } from "@/db";
import { jobRuntime } from "@/inngest/runtime";
import { withSafeErrors } from "@/server/log/route-errors";
import { receiveAccountWebhook } from "@/server/rules/account-webhook-intake";

export const dynamic = "force-dynamic";

/** amoCRM's account webhooks (responsible_lead, status_lead): /api/amocrm/<webhook key>/events. */
export const POST = withSafeErrors(
  "amocrm.events",
  async (req: Request, ctx: { params: Promise<{ key: string }> }) => {
    const { key } = await ctx.params;
    return receiveAccountWebhook(
      req,
      { webhookKey: key },
      { db: await getDb(), queue: (await jobRuntime()).queue },
    );
  },
);
