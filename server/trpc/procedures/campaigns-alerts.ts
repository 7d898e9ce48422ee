import { z } from "zod";
import { campaignAlerts } from "@/server/campaigns/alerts";
import { tenantProcedure } from "../init";

/** Rules whose campaign additions a completed campaign refused since the rule was last saved («Обзор»). */
export const campaignsAlerts = tenantProcedure
  .meta({ access: "tenant", sample: () => undefined })
  .input(z.void())
  .output(
    z.array(
      z.object({
        ruleId: z.string(),
        ruleName: z.string(),
        campaignId: z.number(),
        campaignName: z.string().nullable(),
        refused: z.number().int(),
        lastAt: z.date(),
      }),
    ),
  )
  .query(({ ctx }) => campaignAlerts(ctx.db, { tenantId: ctx.tenant.id }));
