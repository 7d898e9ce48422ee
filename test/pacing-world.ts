// Integration-test support for the auto-callback dispatcher: a tenant with the queue's settings written as
// the portal stores them, rules to pause, items queued the way the rule action queues them, and the MANGO
// emulator over real HTTP (test/mango-emulator.ts) to receive the commands.
import { and, asc, eq } from "drizzle-orm";
import { type Db, openDb } from "@/db/client";
import { callbackAttempts, callbackQueue, integrationSettings, rules, tenants } from "@/db/schema";
import { settingsDocumentSchema } from "@/lib/domain/settings/schema";
import { type DispatchResult, dispatchDue } from "@/server/callbacks/dispatch";
import type { MangoForTenant } from "@/server/callbacks/dispatch-send";
import { type CallbackTarget, queueCallbackItem } from "@/server/callbacks/queue";
import { createTenant } from "@/server/tenancy/queries";
import { createTestDb, type TestDb } from "@/test/db";
import { type Harness, startHarness } from "@/test/mango-emulator";

export type AutoCallbackInput = {
  ratePerMinute?: number;
  workingHours?: { enabled: boolean; days?: number[]; from?: string; to?: string };
  cooldownMinutes?: number;
};

export type PacingWorld = Awaited<ReturnType<typeof startPacingWorld>>;

export async function startPacingWorld() {
  const t: TestDb = await createTestDb();
  // A second pool on the same database: another instance's dispatcher.
  const other = await openDb({ databaseUrl: t.url, max: 4 });
  const mango: Harness = await startHarness();
  let n = 0;

  async function newTenant(timeZone = "Europe/Moscow") {
    n += 1;
    const tenant = await createTenant(t.db, {
      amocrmAccountId: 7_000 + n,
      amocrmSubdomain: `acb${n}`,
      amocrmBaseUrl: "http://amo.invalid",
      name: `Автоперезвон ${n}`,
    });
    await t.db.update(tenants).set({ timeZone }).where(eq(tenants.id, tenant.id));
    const tenantId = tenant.id;
    let queued = 0;

    const world = {
      tenantId,
      async settings(autoCallback: AutoCallbackInput) {
        const settings = settingsDocumentSchema.parse({ calls: { autoCallback } });
        await t.db
          .insert(integrationSettings)
          .values({ tenantId, settings })
          .onConflictDoUpdate({ target: integrationSettings.tenantId, set: { settings } });
      },
      async rule(name = "Перезвонить") {
        const [row] = await t.db
          .insert(rules)
          .values({ tenantId, pipelineId: 1, statusId: 2, document: { name }, authorAmoUserId: 1 })
          .returning({ id: rules.id });
        return row!.id;
      },
      /** Queues one item; each gets its own client number unless `phone` is given. */
      async queue(
        o: {
          ruleId?: string;
          extension?: string;
          phone?: string;
          target?: Partial<CallbackTarget>;
          lineNumber?: string | null;
        } = {},
      ) {
        queued += 1;
        const ruleId = o.ruleId ?? (await world.rule());
        const { id } = await queueCallbackItem(t.db, {
          tenantId,
          ruleId,
          ruleName: "Перезвонить",
          leadId: 50_000 + queued,
          leadName: `Сделка ${queued}`,
          contactId: null,
          idempotencyKey: `test:${queued}`,
          target: {
            type: "employee",
            amoUserId: 1,
            extension: o.extension ?? String(100 + queued),
            name: null,
            ...o.target,
          },
          phone: o.phone ?? `+7916${String(1_000_000 + queued).slice(-7)}`,
          lineNumber: o.lineNumber ?? null,
          taskOnFailure: false,
          stageOnSuccess: null,
          stageOnFailure: null,
        });
        return id;
      },
      async items() {
        return t.db
          .select()
          .from(callbackQueue)
          .where(eq(callbackQueue.tenantId, tenantId))
          .orderBy(asc(callbackQueue.seq));
      },
      async item(id: string) {
        const [row] = await t.db
          .select()
          .from(callbackQueue)
          .where(and(eq(callbackQueue.tenantId, tenantId), eq(callbackQueue.id, id)));
        return row!;
      },
      async attempts() {
        return t.db.select().from(callbackAttempts).where(eq(callbackAttempts.tenantId, tenantId));
      },
      /** What the outcome part does when MANGO says the call ended. */
      async finish(id: string) {
        await t.db
          .update(callbackQueue)
          .set({ state: "succeeded", finishedAt: new Date() })
          .where(and(eq(callbackQueue.tenantId, tenantId), eq(callbackQueue.id, id)));
      },
      /**
       * Decisions at one instant on each pool at once (two instances' ticks racing), each repeated while it
       * dials or settles something, as the tick job does.
       */
      async tick(
        now: Date,
        dbs: Db[] = [t.db],
        m: MangoForTenant = emulatorMango,
      ): Promise<DispatchResult[]> {
        const results: DispatchResult[] = [];
        await Promise.all(
          dbs.map(async (db) => {
            for (;;) {
              const r = await dispatchDue(db, { tenantId, now, mango: m });
              results.push(r);
              if (!r.dialed && r.settled.length === 0) return;
            }
          }),
        );
        return results;
      },
    };
    return world;
  }

  const emulatorMango: MangoForTenant = async () => mango.client();

  /**
   * The callback commands the emulator took, in order, without those its rate limiter refused: it runs on
   * the emulator's own frozen clock, so some requests are answered 429 and repeated by the client after
   * advancing it (MANGO refused them before doing anything; the repeat is the same command).
   */
  async function commands(): Promise<{ path: string; commandId: string; code: number | null }[]> {
    const { requests } = (await mango.control("requests")) as {
      requests: { path: string; json: string | null; status: number; code: number | null }[];
    };
    return requests
      .filter((r) => /commands\/callback(_group)?$/.test(r.path) && r.status !== 429 && r.code !== 4290)
      .map((r) => ({
        path: r.path,
        commandId: String((JSON.parse(r.json ?? "{}") as { command_id?: string }).command_id ?? ""),
        code: r.code,
      }));
  }

  return {
    t,
    other: other.db,
    mango,
    emulatorMango,
    newTenant,
    commands,
    async close() {
      await mango.close();
      await other.close();
      await t.drop();
    },
  };
}
