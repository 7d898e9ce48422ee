import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { AmocrmError } from "@/server/amocrm";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { TenantNeedsReconnectError } from "@/server/connections/amocrm-tokens";
import { ensureCcContactFields } from "@/server/onboarding/cc-fields";
import { adminProcedure } from "../init";

/** "Проверить настройки": the three ЦОВ contact fields exist in amoCRM (created once if missing). */
export const onboardingEnsureCcFields = adminProcedure
  .meta({ access: "admin", sample: () => undefined })
  .input(z.void())
  .output(z.object({ created: z.array(z.string()) }))
  .mutation(async ({ ctx }) => {
    try {
      const res = await ensureCcContactFields(ctx.db, {
        tenantId: ctx.tenant.id,
        clientFor: (db) => amocrmClientFor(db, ctx.tenant),
      });
      return { created: res.created };
    } catch (err) {
      if (err instanceof TenantNeedsReconnectError) {
        throw new TRPCError({ code: "PRECONDITION_FAILED", message: "Переподключите amoCRM: доступ истёк" });
      }
      if (err instanceof AmocrmError) {
        throw new TRPCError({
          code: "BAD_GATEWAY",
          message: `amoCRM не ответила как ожидалось: ${err.message}`,
        });
      }
      throw err;
    }
  });
