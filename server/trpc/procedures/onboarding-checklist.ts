import { z } from "zod";
import { onboardingChecklist } from "@/server/onboarding/checklist";
import { tenantProcedure } from "../init";

export const onboardingChecklistProcedure = tenantProcedure
  .meta({ access: "tenant", sample: () => undefined })
  .input(z.void())
  .output(
    z.array(
      z.object({
        key: z.enum(["amocrm", "mango", "events", "employees", "widget", "ccFields"]),
        done: z.boolean(),
        detail: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
        href: z.string(),
      }),
    ),
  )
  .query(({ ctx }) => onboardingChecklist(ctx.db, ctx.tenant));
