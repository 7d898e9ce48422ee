import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, integrationSettings } from "@/db/schema";
import type { RunningAmocrmEmulator } from "@/emulators/amocrm/server";
import { DEMO_VPBX_API_KEY, DEMO_VPBX_API_SALT } from "@/emulators/mango/seed";
import { type MangoEmulator, startMangoEmulator } from "@/emulators/mango/server";
import { createLocalQueue } from "@/inngest/local/queue";
import type { IntegrationSettingsInput } from "@/lib/domain/settings/schema";
import { amocrmClientFor, saveAmocrmTokens } from "@/server/connections/amocrm";
import { listPipelines, syncAmocrmDirectory } from "@/server/directory/amocrm-sync";
import { putSecret } from "@/server/secrets/store";
import { addMembership, createTenant, upsertUser } from "@/server/tenancy/queries";
import { createCaller } from "@/server/trpc/router";
import { connect, control, startEmulator } from "@/test/amocrm-emulator";
import { createTestDb, type TestDb } from "@/test/db";
import { getEffectiveSettings } from "./queries";
import { StaleReferencesError } from "./validate-stages";

// Pipeline 3383152 «Основная воронка» of the emulator's demo account and two of its working stages.
const MAIN = 3383152;
const FIRST_CONTACT = { pipelineId: MAIN, statusId: 33929752 };
const NEGOTIATION = { pipelineId: MAIN, statusId: 33929755 };

let t: TestDb;
let amo: RunningAmocrmEmulator;
let mango: MangoEmulator;
let tenantId: string;
let ownerId: string;

// The MANGO client reads its base URL from the environment, read once per test file.
beforeAll(async () => {
  mango = await startMangoEmulator({ port: 0 });
  process.env.MANGO_API_URL = `${mango.url}/vpbx`;
  [t, amo] = await Promise.all([createTestDb(), startEmulator()]);
  const { baseUrl, pair } = await connect(amo);
  const tenant = await createTenant(t.db, {
    amocrmAccountId: 28805383,
    amocrmSubdomain: "demo",
    amocrmBaseUrl: baseUrl,
    name: "Демо-компания",
  });
  tenantId = tenant.id;
  await saveAmocrmTokens(t.db, { tenantId, tokens: pair });
  const owner = await upsertUser(t.db, { amocrmUserId: 504141, name: "Анна Администратова" });
  ownerId = owner.id;
  await addMembership(t.db, { tenantId, userId: owner.id, role: "owner" });
  await syncAmocrmDirectory(t.db, { tenantId, client: amocrmClientFor(t.db, tenant) });
});
afterAll(async () => {
  await Promise.all([t?.drop(), amo?.close(), mango?.close()]);
});

const caller = () =>
  createCaller({
    db: t.db,
    queue: createLocalQueue(t.db),
    session: { userId: ownerId, tenantId },
    requestId: "test",
  });

async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  return err as TRPCError;
}

const auditRows = () =>
  t.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, "settings.update")))
    .orderBy(auditLog.createdAt);

/** Removes a stage from a pipeline of the emulator's demo account, as an amoCRM admin would. */
async function deleteStageInEmulator(pipelineId: number, statusId: number) {
  const { body } = await control(amo, "/state", undefined, "GET");
  const state = body as {
    accounts: Record<string, { pipelines: { id: number; statuses: { id: number }[] }[] }>;
  };
  const pipeline = state.accounts.demo!.pipelines.find((p) => p.id === pipelineId)!;
  pipeline.statuses = pipeline.statuses.filter((s) => s.id !== statusId);
  expect((await control(amo, "/seed", { state })).status).toBe(200);
}

describe("integration settings on PostgreSQL with the amoCRM emulator", () => {
  it("answers the defaults with the account's pipelines, users and MANGO state before anything is saved", async () => {
    const got = await caller().settings.get();
    expect(got.version).toBe(0);
    expect(got.settings.calls.newClientAction).toBe("contact_and_deal");
    expect(got.canEdit).toBe(true);
    const main = got.options.pipelines.find((p) => p.id === MAIN)!;
    expect(main.name).toBe("Основная воронка");
    // Only working stages are offered: no "Неразобранное", no won/lost.
    expect(main.statuses.map((s) => s.id)).toEqual([33929752, 33929755, 33929758]);
    expect(got.options.users.map((u) => u.name)).toContain("Алексей Смирнов");
    expect(got.options.lines).toEqual({ available: false, reason: "not_connected", lines: [] });
  });

  it("offers the MANGO lines once MANGO is connected", async () => {
    await putSecret(t.db, { tenantId, kind: "mango.api_key", value: DEMO_VPBX_API_KEY });
    await putSecret(t.db, { tenantId, kind: "mango.api_salt", value: DEMO_VPBX_API_SALT });
    const { options } = await caller().settings.get();
    expect(options.lines.available).toBe(true);
    expect(options.lines.lines.length).toBeGreaterThan(0);
    expect(options.lines.lines[0]!.number).toMatch(/\d|sip/);
  });

  it("persists the values and writes the change to the audit log", async () => {
    const settings: IntegrationSettingsInput = {
      calls: {
        newClientAction: "contact",
        answeredStage: FIRST_CONTACT,
        missedStage: NEGOTIATION,
        saveAllCalls: { enabled: true, userId: 8238874 },
      },
      extra: { contactCenter: { enabled: true, dpTasks: { enabled: true, openDealInNewTab: true } } },
      limits: { lines: ["74951110101"] },
    };
    const saved = await caller().settings.save({ version: 0, settings });
    expect(saved.version).toBe(1);

    const got = await caller().settings.get();
    expect(got.version).toBe(1);
    expect(got.settings.calls.missedStage).toEqual(NEGOTIATION);
    expect(got.settings.calls.saveAllCalls).toEqual({ enabled: true, userId: 8238874 });
    expect(got.settings.extra.contactCenter.dpTasks.openDealInNewTab).toBe(true);
    expect(got.settings.limits.lines).toEqual(["74951110101"]);

    const [audit] = await auditRows();
    expect(audit!.actorUserId).toBe(ownerId);
    expect(audit!.before).toMatchObject({
      "calls.newClientAction": "contact_and_deal",
      "calls.missedStage": null,
    });
    expect(audit!.after).toMatchObject({
      "calls.newClientAction": "contact",
      "calls.missedStage": NEGOTIATION,
      "extra.contactCenter.dpTasks.openDealInNewTab": true,
    });
  });

  it("refuses a save based on an outdated version (CONFLICT), saving nothing", async () => {
    const err = await failure(caller().settings.save({ version: 0, settings: {} }));
    expect(err.code).toBe("CONFLICT");
    expect((await caller().settings.get()).version).toBe(1);
  });

  it("reports a stage deleted in amoCRM, naming the field, and saves nothing", async () => {
    await deleteStageInEmulator(MAIN, NEGOTIATION.statusId);
    const current = await caller().settings.get();
    const err = await failure(
      caller().settings.save({
        version: current.version,
        settings: { ...current.settings, calls: { ...current.settings.calls, newClientAction: "manual" } },
      }),
    );
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toContain("Воронка/этап для пропущенных звонков");
    expect(err.message).toContain("больше не существует");
    // The field path travels with the error so the form can mark the field.
    expect(err.cause).toBeInstanceOf(StaleReferencesError);
    expect((err.cause as StaleReferencesError).problems.map((p) => p.path)).toEqual(["calls.missedStage"]);

    const [row] = await t.db
      .select()
      .from(integrationSettings)
      .where(eq(integrationSettings.tenantId, tenantId));
    expect(row!.version).toBe(1);
    expect((row!.settings as { calls: { newClientAction: string } }).calls.newClientAction).toBe("contact");
    expect(await auditRows()).toHaveLength(1);
    // The save re-read amoCRM: the form's lists no longer offer the deleted stage.
    const main = (await listPipelines(t.db, { tenantId })).find((p) => p.pipelineId === MAIN)!;
    expect(main.statuses.map((s) => s.id)).not.toContain(NEGOTIATION.statusId);
  });

  it("saves once the stage is replaced; a deleted stage under a parent that is off does not block", async () => {
    const current = await caller().settings.get();
    const saved = await caller().settings.save({
      version: current.version,
      settings: {
        ...current.settings,
        calls: { ...current.settings.calls, missedStage: FIRST_CONTACT },
        extra: {
          contactCenter: {
            enabled: false,
            dpTasks: current.settings.extra.contactCenter.dpTasks,
            saveTopics: {
              enabled: true,
              stageIfDeal: NEGOTIATION,
              stageIfNoDeal: NEGOTIATION,
              intoOpenDeal: true,
              topicsField: true,
            },
          },
        },
      },
    });
    expect(saved.version).toBe(2);
    // Kept while the parent is off, and given back when it is turned on again.
    expect(saved.settings.extra.contactCenter.saveTopics.stageIfDeal).toEqual(NEGOTIATION);
    expect(saved.settings.extra.contactCenter.saveTopics).toMatchObject({
      intoOpenDeal: true,
      topicsField: true,
    });
    expect((await caller().settings.get()).settings.extra.contactCenter.saveTopics).toMatchObject({
      intoOpenDeal: true,
      topicsField: true,
    });
    const applied = await getEffectiveSettings(t.db, { tenantId });
    expect(applied.extra.contactCenter.saveTopics).toEqual({
      enabled: false,
      stageIfDeal: null,
      stageIfNoDeal: null,
      intoOpenDeal: false,
      topicsField: false,
    });
    expect(applied.extra.contactCenter.dpTasks.openDealInNewTab).toBe(false);
    expect(await auditRows()).toHaveLength(2);

    const err = await failure(
      caller().settings.save({
        version: 2,
        settings: {
          ...saved.settings,
          extra: { contactCenter: { ...saved.settings.extra.contactCenter, enabled: true } },
        },
      }),
    );
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toContain("Этап «Если есть сделка»");
    expect(err.message).toContain("Этап «Если нет сделки»");
  });

  it("shows a member the settings read-only and refuses their save", async () => {
    const member = await upsertUser(t.db, { amocrmUserId: 32321, name: "Ольга Кузнецова" });
    await addMembership(t.db, { tenantId, userId: member.id, role: "member" });
    const asMember = createCaller({
      db: t.db,
      queue: createLocalQueue(t.db),
      session: { userId: member.id, tenantId },
      requestId: "test",
    });
    const got = await asMember.settings.get();
    expect(got.canEdit).toBe(false);
    expect(got.version).toBe(2);
    const err = await failure(asMember.settings.save({ version: 2, settings: {} }));
    expect(err.code).toBe("FORBIDDEN");
  });

  it("saving an unchanged document writes no version and no audit row", async () => {
    const current = await caller().settings.get();
    const again = await caller().settings.save({ version: current.version, settings: current.settings });
    expect(again.version).toBe(current.version);
    expect(await auditRows()).toHaveLength(2);
  });
});
