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
 * settings on; `unavailable` says which is off, `unavailableReason` names it in Russian) and the account's
 * outbound campaigns, live from MANGO, with their status (a code, and `statusLabel` in Russian); a completed one
 * is listed but not pickable (`notPickableReason`); `campaignsProblemKind` / `campaignsProblem` say why the list
 * is missing. The editor words codes in the UI's language; the Russian texts serve other readers. Members may
 * read it.
 */
export const rulesCampaignOptions = tenantProcedure
  .meta({ access: "tenant", sample: () => undefined })
  .input(z.void())
  .output(
    z.object({
      available: z.boolean(),
      /** Which setting keeps the action off; the editor words it in the UI's language. */
      unavailable: z.enum(["contactCenter", "dpTasks"]).nullable(),
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
      campaignsProblemKind: z.enum(["notConnected", "noAnswer"]).nullable(),
    }),
  )
  .query(({ ctx }) => campaignOptions(ctx.db, { tenantId: ctx.tenant.id }));
