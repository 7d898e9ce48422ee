import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { settingsDocumentSchema, settingsSchema } from "@/lib/domain/settings/schema";
import { AmocrmError } from "@/server/amocrm";
import { wakeDispatcherAfterSettings } from "@/server/callbacks/dispatch-job";
import { TenantNeedsReconnectError } from "@/server/connections/amocrm-tokens";
import { logger } from "@/server/log/logger";
import { SettingsConflictError, saveSettings } from "@/server/settings/queries";
import { StaleReferencesError, validateStages } from "@/server/settings/validate-stages";
import { adminProcedure } from "../init";

/**
 * Saves "Основные настройки интеграции". Stages and users are checked against amoCRM as it is now (a
 * stage deleted since the form was loaded is reported naming its field, and nothing is saved); a save
 * based on an outdated version is refused; the change and its audit row commit together.
 */
export const settingsSave = adminProcedure
  .meta({
    access: "admin",
    // test/security-fixture.ts saves the settings of both tenants once: version 1 is current.
    sample: () => ({ version: 1, settings: { limits: { lines: [] } } }),
  })
  .input(z.object({ version: z.number().int().min(0), settings: settingsSchema }))
  .output(
    z.object({ settings: settingsDocumentSchema, version: z.number().int(), updatedAt: z.date().nullable() }),
  )
  .mutation(async ({ ctx, input }) => {
    let problems: Awaited<ReturnType<typeof validateStages>>;
    try {
      problems = await validateStages(ctx.db, ctx.tenant, input.settings);
    } catch (err) {
      if (err instanceof TenantNeedsReconnectError)
        throw new TRPCError({
          code: "PRECONDITION_FAILED",
          message: "Нет связи с amoCRM: подключите amoCRM заново, чтобы проверить выбранные этапы.",
        });
      if (err instanceof AmocrmError)
        throw new TRPCError({
          code: "BAD_GATEWAY",
          message:
            "amoCRM не ответила: не удалось проверить выбранные этапы. Настройки не сохранены, попробуйте ещё раз.",
          cause: err,
        });
      throw err;
    }
    if (problems.length > 0) {
      // The cause keeps each field's path for in-process callers; the form finds the fields itself by
      // comparing its values with the lists `settings.get` now answers (refreshed by this very check).
      const cause = new StaleReferencesError(problems);
      throw new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
    }
    try {
      const saved = await saveSettings(ctx.db, {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.user.id,
        expectedVersion: input.version,
        settings: input.settings,
      });
      const tenantId = ctx.tenant.id;
      const wake = await wakeDispatcherAfterSettings(ctx.db, ctx.queue, { tenantId });
      if (wake.error) logger.warn({ tenantId, err: wake.error }, "settings saved, dispatcher not woken");
      return saved;
    } catch (err) {
      if (err instanceof SettingsConflictError)
        throw new TRPCError({
          code: "CONFLICT",
          message:
            "Настройки уже изменил другой пользователь. Обновите страницу и внесите изменения ещё раз.",
        });
      throw err;
    }
  });
