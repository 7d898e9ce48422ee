// Integration-test support for auto-callback outcomes: the calls world (both emulators over HTTP, our MANGO
// intake) plus a rule, items queued by `queueCallbackItem`, and the dispatcher's part simulated — the item
// marked dialing with its attempt row, then MANGO's commands/callback(_group) sent through the app's client.
import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { callbackAttempts, callbackQueue, rules, type StageMove } from "@/db/schema";
import { DEMO_LINE_MAIN } from "@/emulators/mango/seed-constants";
import { callbackOutcomeJob } from "@/server/callbacks/outcome-job";
import { openCallbackPhone } from "@/server/callbacks/phone";
import { type CallbackTarget, queueCallbackItem } from "@/server/callbacks/queue";
import { writeCallJob } from "@/server/calls/jobs";
import { mangoClientFor } from "@/server/connections/mango";
import { processMangoEvent } from "@/server/events/mango-jobs";
import { type LogWorld, PAIRS, startLogWorld } from "@/test/calls-world";
import { drainJobs } from "@/test/db";

/** Deal «Поставка оборудования — Иванов», contact 3 with this number (amoCRM emulator's seed). */
export const DEAL = { id: 167353, contactId: 3, phone: "+79161234567" };
export const NEGOTIATION: StageMove = { pipelineId: 3383152, statusId: 33929755 };
export const SUCCESS_STAGE: StageMove = { pipelineId: 3383152, statusId: 33929758 };
export const FAILURE_STAGE: StageMove = { pipelineId: 3383152, statusId: 33929752 };
export const EMPLOYEE_101: CallbackTarget = {
  type: "employee",
  amoUserId: PAIRS["101"],
  extension: "101",
  name: "Сотрудник 101",
};
/** MANGO group 201 «Отдел продаж» (operators 101, 102, 104) and 202 «Поддержка» (103, 104). */
export const GROUP = (extension: "201" | "202"): CallbackTarget => ({
  type: "group",
  amoUserId: null,
  extension,
  name: extension === "201" ? "Отдел продаж" : "Поддержка",
});
/** The demo PBX's main line (emulators/mango/seed-constants.ts): callback_group requires one. */
export const MAIN_LINE = DEMO_LINE_MAIN;

export const CALLBACK_JOBS = [processMangoEvent, writeCallJob, callbackOutcomeJob];

export type CallbackWorld = Awaited<ReturnType<typeof startCallbackWorld>>;

export async function startCallbackWorld() {
  const w: LogWorld = await startLogWorld();
  const db = w.t.db;
  const tenantId = w.tenant.id;
  const [rule] = await db
    .insert(rules)
    .values({
      tenantId,
      pipelineId: NEGOTIATION.pipelineId,
      statusId: NEGOTIATION.statusId,
      document: { name: "Автоперезвон" },
      authorAmoUserId: PAIRS["101"],
    })
    .returning();
  const mangoControl = async (path: string, body?: unknown) => {
    const res = await fetch(`${w.mango.url}/__control/${path}`, {
      method: body === undefined ? "GET" : "POST",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as Record<string, unknown>;
  };
  // MANGO's time moves only when a test says so: a call plays out in one flush, nothing behind our back.
  await mangoControl("clock", { freeze: true });

  const item = async (itemId: string) => {
    const [row] = await db
      .select()
      .from(callbackQueue)
      .where(and(eq(callbackQueue.tenantId, tenantId), eq(callbackQueue.id, itemId)));
    return row!;
  };

  return {
    ...w,
    db,
    tenantId,
    mangoControl,
    item,
    async attempts(itemId: string) {
      return db
        .select()
        .from(callbackAttempts)
        .where(and(eq(callbackAttempts.tenantId, tenantId), eq(callbackAttempts.itemId, itemId)));
    },
    /** An item as a rule would queue it (a fresh occurrence each time). */
    async queue(
      o: { target?: CallbackTarget; taskOnFailure?: boolean; lineNumber?: string | null } = {},
    ): Promise<string> {
      const { id } = await queueCallbackItem(db, {
        tenantId,
        ruleId: rule!.id,
        ruleName: "Автоперезвон",
        leadId: DEAL.id,
        leadName: "Поставка оборудования — Иванов",
        contactId: DEAL.contactId,
        idempotencyKey: `test:${randomUUID()}`,
        target: o.target ?? EMPLOYEE_101,
        phone: DEAL.phone,
        lineNumber: o.lineNumber ?? null,
        taskOnFailure: o.taskOnFailure ?? true,
        stageOnSuccess: SUCCESS_STAGE,
        stageOnFailure: FAILURE_STAGE,
      });
      return id;
    },
    /**
     * The dispatcher's part: the item dialing with a new attempt and its command id, the command sent to
     * MANGO. Nothing is played out yet (MANGO's clock is frozen; only an immediate result is delivered).
     */
    async dispatch(itemId: string): Promise<string> {
      const commandId = `acb-${randomUUID()}`;
      const [row] = await db
        .update(callbackQueue)
        .set({
          state: "dialing",
          commandId,
          dispatchedAt: new Date(),
          attempts: sql`${callbackQueue.attempts} + 1`,
        })
        .where(and(eq(callbackQueue.tenantId, tenantId), eq(callbackQueue.id, itemId)))
        .returning();
      await db.insert(callbackAttempts).values({ tenantId, itemId, commandId });
      const mango = await mangoClientFor(db, { tenantId });
      const phone = openCallbackPhone(row!);
      if (row!.targetType === "group")
        await mango.callbackGroup({
          commandId,
          from: row!.targetExtension,
          to: phone,
          lineNumber: row!.lineNumber ?? MAIN_LINE,
        });
      else
        await mango.callback({
          commandId,
          fromExtension: row!.targetExtension,
          toNumber: phone,
          ...(row!.lineNumber ? { lineNumber: row!.lineNumber } : {}),
        });
      return commandId;
    },
    /** MANGO plays every scheduled event out; each reaches our intake; every job it causes runs. */
    async playOut() {
      await mangoControl("clock", { flush: true });
      await mangoControl("deliveries?wait=1");
      await drainJobs(db, CALLBACK_JOBS);
    },
    /** The outcome MANGO gives the next callback (emulator's /__control/callback-outcomes). */
    async nextOutcome(outcome: string) {
      await mangoControl("callback-outcomes", { outcome, remaining: 1 });
    },
    async resetDeal() {
      await w
        .amocrm()
        .updateLeads([{ id: DEAL.id, pipeline_id: NEGOTIATION.pipelineId, status_id: NEGOTIATION.statusId }]);
    },
    async deal() {
      const s = await w.amoState();
      return s.leads.find((l) => l.id === DEAL.id)!;
    },
    /** amoCRM tasks carrying this item's marker. */
    async tasksOf(itemId: string) {
      const s = await w.amoState();
      return s.tasks.filter((t) => String(t.text ?? "").includes(`[Amango ${itemId}]`));
    },
    /** The callbacks.outcome runs of an item (the journal's source). */
    async outcomeRuns(itemId: string) {
      const { jobRuns } = await import("@/db/schema");
      const runs = await db
        .select()
        .from(jobRuns)
        .where(and(eq(jobRuns.tenantId, tenantId), eq(jobRuns.jobId, callbackOutcomeJob.id)));
      return runs.filter((r) => (r.payload as { itemId?: string }).itemId === itemId);
    },
  };
}
