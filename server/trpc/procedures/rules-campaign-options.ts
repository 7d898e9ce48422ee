import { z } from "zod";
import { campaignOptions } from "@/server/campaigns/options";
import { tenantProcedure } from "../init";

const STATUSES = [
  "stopped",
  "scheduled",
  "running",
  "stopping",
  "completed",
  "processing",
  "deleting",
  "unknown",
] as const;

/**
 * «Добавить автозвонок в кампанию обзвона» in the rule editor: whether it is available (both Contact Center
 * settings on; `unavailableReason` names the ones to turn on) and the account's outbound campaigns, live from
 * MANGO, with their status in Russian; a completed one is listed but not pickable (`notPickableReason`);
 * `campaignsProblem` says in Russian why the list is missing. Members may read it.
 */
export const rulesCampaignOptions = tenantProcedure
  .meta({ access: "tenant", sample: () => undefined })
  .input(z.void())
  .output(
    z.object({
      available: z.boolean(),
      unavailableReason: z.string().nullable(),
      campaigns: z.array(
        z.object({
          id: z.number().int(),
          name: z.string(),
          status: z.enum(STATUSES),
          statusLabel: z.string(),
          endless: z.boolean(),
          pickable: z.boolean(),
          notPickableReason: z.string().nullable(),
        }),
      ),
      campaignsProblem: z.string().nullable(),
    }),
  )
  .query(({ ctx }) => campaignOptions(ctx.db, { tenantId: ctx.tenant.id }));
