import { z } from "zod";
import { listActivityKinds } from "@/server/activity/queries";
import { tenantProcedure } from "../init";

export const activityKinds = tenantProcedure
  .meta({ access: "tenant", sample: () => undefined })
  .input(z.void())
  .output(z.array(z.string()))
  .query(({ ctx }) => listActivityKinds(ctx.db, { tenantId: ctx.tenant.id }));
