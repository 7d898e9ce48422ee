import { and, eq, gt, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { callbackQueue, mangoGroups } from "@/db/schema";
import type { CallbackAction, Stage } from "@/lib/domain/rules/schema";
import { clientPhoneOf } from "@/server/actions/client-phone";
import type { ActionContext, RuleActionHandler } from "@/server/actions/types";
import { idempotencyKeyFor } from "@/server/actions/types";
import { listPipelines } from "@/server/directory/amocrm-sync";
import { mappedEmployeeOf } from "@/server/employees/queries";
import { maskPhone } from "@/server/log/mask";
import { getEffectiveSettings } from "@/server/settings/queries";
import { callbackDispatchJob, wakeDispatcher } from "./dispatch-job";
import { callbackOutcomeJobs } from "./outcome-job";
import { callbackPhoneLookup } from "./phone";
import { type CallbackTarget, queueCallbackItem, ruleCallbacksOfLeads } from "./queue";

/**
 * «Совершать автоперезвон»: for a matching deal, one item in the tenant's paced queue (dispatch.ts dials
 * it: MANGO rings the target first, then the client). Resolution happens here, when the item is queued —
 * who is rung (extension or group number), the client's number — so the dry run and the plan say the same.
 */

const NOT_DONE = "автоперезвон не выполняется";

type Resolved =
  | { ok: true; target: CallbackTarget; phone: string; contactName: string | null }
  | { ok: false; reason: string };

async function resolveTarget(
  db: Db,
  ctx: ActionContext,
  action: CallbackAction,
): Promise<{ ok: true; target: CallbackTarget } | { ok: false; reason: string }> {
  const t = action.target;
  if (t.type === "group") {
    const [group] = await db
      .select({ name: mangoGroups.name, extension: mangoGroups.extension })
      .from(mangoGroups)
      .where(and(eq(mangoGroups.tenantId, ctx.tenantId), eq(mangoGroups.groupId, t.mangoGroupId)));
    const label = `«${group?.name ?? t.groupName ?? `группа #${t.mangoGroupId}`}»`;
    if (!group) return { ok: false, reason: `Группы ${label} больше нет в MANGO OFFICE — ${NOT_DONE}` };
    if (!group.extension)
      return { ok: false, reason: `У группы ${label} в MANGO OFFICE нет короткого номера — ${NOT_DONE}` };
    return {
      ok: true,
      target: { type: "group", amoUserId: null, extension: group.extension, name: group.name },
    };
  }
  if (t.type === "responsible") {
    const r = ctx.truth.responsible;
    if (!r) return { ok: false, reason: `У сделки нет ответственного — ${NOT_DONE}` };
    const name = r.name ?? r.mapped?.name ?? `пользователь #${r.amoUserId}`;
    if (!r.mapped?.extension)
      return {
        ok: false,
        reason: `У ответственного «${name}» нет сопоставленного внутреннего номера MANGO OFFICE — ${NOT_DONE}`,
      };
    return {
      ok: true,
      target: { type: "responsible", amoUserId: r.amoUserId, extension: r.mapped.extension, name },
    };
  }
  const user = await ctx.userOf(t.amoUserId);
  const name = user.name ?? user.mapped?.name ?? t.userName ?? `пользователь #${t.amoUserId}`;
  if (!user.mapped?.extension)
    return {
      ok: false,
      reason: `У сотрудника «${name}» нет сопоставленного внутреннего номера MANGO OFFICE — ${NOT_DONE}`,
    };
  return {
    ok: true,
    target: { type: "employee", amoUserId: t.amoUserId, extension: user.mapped.extension, name },
  };
}

async function resolve(db: Db, ctx: ActionContext, action: CallbackAction): Promise<Resolved> {
  const target = await resolveTarget(db, ctx, action);
  if (!target.ok) return target;
  const client = clientPhoneOf(ctx.truth.mainContact, NOT_DONE);
  if (!client.ok) return client;
  return { ok: true, target: target.target, phone: client.phone, contactName: client.name };
}

/** "«Воронка» / «Этап»" from the directory cache, or the ids when the stage is not cached. */
async function stageLabel(db: Db, tenantId: string, stage: Stage): Promise<string> {
  const pipeline = (await listPipelines(db, { tenantId })).find((p) => p.pipelineId === stage.pipelineId);
  const status = pipeline?.statuses.find((s) => s.id === stage.statusId);
  return pipeline && status ? `«${pipeline.name}» / «${status.name}»` : `этап #${stage.statusId}`;
}

/** Whether this client's number is in a callback dispatched within the cooldown (the loop guard). */
async function calledRecently(db: Db, tenantId: string, phone: string, minutes: number): Promise<boolean> {
  if (minutes <= 0) return false;
  const rows = await db
    .select({ id: callbackQueue.id })
    .from(callbackQueue)
    .where(
      and(
        eq(callbackQueue.tenantId, tenantId),
        eq(callbackQueue.phoneLookup, callbackPhoneLookup(tenantId, phone)),
        gt(callbackQueue.dispatchedAt, sql`now() - make_interval(mins => ${minutes}::int)`),
      ),
    )
    .limit(1);
  return rows.length > 0;
}

async function queuedCount(db: Db, tenantId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(callbackQueue)
    .where(and(eq(callbackQueue.tenantId, tenantId), inArray(callbackQueue.state, ["queued", "dialing"])));
  return row?.n ?? 0;
}

const TITLE = "Автоперезвон";

export const callbackRuleAction: RuleActionHandler<"callback"> = {
  kind: "callback",
  title: TITLE,
  alreadyDone: "Сделка уже ставилась в очередь автоперезвона этим правилом",
  needsExtension: true,
  async problem(db, { tenantId, action }) {
    const t = action.target;
    if (t.type === "employee") {
      const mapped = await mappedEmployeeOf(db, { tenantId, amoUserId: t.amoUserId });
      if (!mapped?.extension)
        return `У сотрудника «${t.userName ?? `#${t.amoUserId}`}» нет сопоставленного внутреннего номера MANGO OFFICE: звонок некому начать. Выберите сотрудника с внутренним номером.`;
    }
    if (t.type === "group") {
      const [group] = await db
        .select({ extension: mangoGroups.extension })
        .from(mangoGroups)
        .where(and(eq(mangoGroups.tenantId, tenantId), eq(mangoGroups.groupId, t.mangoGroupId)));
      if (!group) return "Такой группы нет в MANGO OFFICE: обновите список сотрудников и групп.";
      if (!group.extension)
        return "У группы нет короткого номера в MANGO OFFICE, звонок от неё начать нельзя.";
    }
    return null;
  },

  async preview(db, ctx, action) {
    const r = await resolve(db, ctx, action);
    if (!r.ok) return { kind: "callback", title: TITLE, would: [], skipped: [r.reason] };
    const settings = (await getEffectiveSettings(db, { tenantId: ctx.tenantId })).calls.autoCallback;
    const who =
      r.target.type === "group"
        ? `группу «${r.target.name}» (короткий номер ${r.target.extension})`
        : `${r.target.type === "responsible" ? "ответственного" : "сотрудника"} «${r.target.name}» (доб. ${r.target.extension})`;
    const line = action.lineNumber ? `с линии ${action.lineNumber}` : "с линии сотрудника по умолчанию";
    const client = `${maskPhone(r.phone)}${r.contactName ? ` (${r.contactName})` : ""}`;
    const would = [`Позвонит: сначала ${who}, затем клиенту ${client}, ${line}.`];
    const waiting = await queuedCount(db, ctx.tenantId);
    would.push(
      settings.ratePerMinute === 0
        ? `Встанет в очередь автоперезвона (в очереди ${waiting}); скорость 0 — очередь на паузе.`
        : `Встанет в очередь автоперезвона (в очереди ${waiting}, скорость ${settings.ratePerMinute} в минуту).`,
    );
    if (action.stageOnSuccess)
      would.push(
        `Если клиент ответит: сделка → ${await stageLabel(db, ctx.tenantId, action.stageOnSuccess)}.`,
      );
    const onFailure = [
      action.taskOnFailure
        ? `задача для «${r.target.type === "group" ? "ответственного по сделке" : r.target.name}»`
        : null,
      action.stageOnFailure ? `сделка → ${await stageLabel(db, ctx.tenantId, action.stageOnFailure)}` : null,
    ].filter(Boolean);
    if (onFailure.length > 0) would.push(`Если звонок не состоится: ${onFailure.join("; ")}.`);
    const skipped = (await calledRecently(db, ctx.tenantId, r.phone, settings.cooldownMinutes))
      ? [
          `Этому клиенту уже звонили автоперезвоном менее ${settings.cooldownMinutes} минут назад — сейчас звонок был бы пропущен`,
        ]
      : [];
    return { kind: "callback", title: TITLE, would, skipped };
  },

  async plan(db, queue, ctx, action) {
    const r = await resolve(db, ctx, action);
    if (!r.ok) return { queued: 0, skipped: [r.reason] };
    const { lead } = ctx.truth;
    const item = await queueCallbackItem(db, {
      tenantId: ctx.tenantId,
      ruleId: ctx.rule.id,
      ruleName: ctx.rule.name,
      leadId: lead.id,
      leadName: lead.name,
      contactId: ctx.truth.mainContact?.id ?? null,
      idempotencyKey: idempotencyKeyFor(ctx.rule, lead.id, ctx.event, "callback"),
      target: r.target,
      phone: r.phone,
      lineNumber: action.lineNumber,
      taskOnFailure: action.taskOnFailure,
      stageOnSuccess: action.stageOnSuccess,
      stageOnFailure: action.stageOnFailure,
    });
    if (item.created) await wakeDispatcher(db, queue, { tenantId: ctx.tenantId });
    return { queued: item.created ? 1 : 0, skipped: [] };
  },

  earlier: (db, input) => ruleCallbacksOfLeads(db, input),
  jobs: [callbackDispatchJob, ...callbackOutcomeJobs],
};
