import { z } from "zod";
import { technicalTaskStates } from "@/server/campaigns/technical";
import { tenantProcedure } from "../init";

/** Each campaign's technical task: added (есть), deleted by a person in MANGO (удалён), or being added. */
export const campaignsTechnicalTasks = tenantProcedure
  .meta({ access: "tenant", sample: () => undefined })
  .input(z.void())
  .output(z.array(z.object({ campaignId: z.number(), state: z.enum(["adding", "added", "deleted"]) })))
  .query(({ ctx }) => technicalTaskStates(ctx.db, { tenantId: ctx.tenant.id }));
