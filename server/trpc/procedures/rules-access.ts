import { TRPCError } from "@trpc/server";
import { ruleEditPermission } from "@/server/rules/editor";
import { tenantProcedure } from "../init";

export const EXTENDED_REQUIRED_MESSAGE =
  "Сохранять правила с SMS, обратным звонком или обзвоном могут только пользователи с сопоставленным " +
  "внутренним номером MANGO OFFICE (расширенная интеграция). Попросите администратора сопоставить вас " +
  "с сотрудником на странице «Сотрудники».";

/**
 * The base of the procedures that change rules (save, delete): admins, and members with a mapped
 * extension — a member without one is refused with the same words as a PBX action without an extension,
 * since that is what would let them in. `ctx.hasExtension` tells the procedure whether PBX actions pass.
 */
export const ruleEditorProcedure = tenantProcedure.meta({ access: "extended" }).use(async ({ ctx, next }) => {
  const permission = await ruleEditPermission(ctx.db, {
    tenantId: ctx.tenant.id,
    role: ctx.role,
    amoUserId: ctx.user.amocrmUserId,
  });
  if (!permission.canEdit) throw new TRPCError({ code: "FORBIDDEN", message: EXTENDED_REQUIRED_MESSAGE });
  return next({ ctx: { ...ctx, hasExtension: permission.hasExtension } });
});
