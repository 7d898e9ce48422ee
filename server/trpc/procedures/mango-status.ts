import { z } from "zod";
import { getMangoConnection, mangoWebhookUrl } from "@/server/onboarding/mango-connect";
import { tenantProcedure } from "../init";

export const mangoStatus = tenantProcedure
  .meta({ access: "tenant", sample: () => undefined })
  .input(z.void())
  .output(
    z.object({
      connected: z.boolean(),
      keyHint: z.string().nullable(),
      verifiedAt: z.date().nullable(),
      firstEventAt: z.date().nullable(),
      lastEventAt: z.date().nullable(),
      /** Only admins see the address: it is what authorizes MANGO's posts. */
      webhookUrl: z.string().nullable(),
    }),
  )
  .query(async ({ ctx }) => {
    const conn = await getMangoConnection(ctx.db, { tenantId: ctx.tenant.id });
    return {
      connected: conn?.status === "connected",
      keyHint: conn?.keyHint ?? null,
      verifiedAt: conn?.verifiedAt ?? null,
      firstEventAt: conn?.firstEventAt ?? null,
      lastEventAt: conn?.lastEventAt ?? null,
      webhookUrl: ctx.role === "member" ? null : mangoWebhookUrl(ctx.tenant.webhookKey),
    };
  });
