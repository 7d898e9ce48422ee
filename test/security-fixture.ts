import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import {
  activityLog,
  amocrmPipelines,
  amocrmUsers,
  calls,
  employeeLinks,
  mangoEmployees,
  ruleApplications,
  smsMessages,
} from "@/db/schema";
import { DEMO_PRODUCT_ID } from "@/emulators/mango/seed-constants";
import { settingsDocumentSchema } from "@/lib/domain/settings/schema";
import { writeCallJob } from "@/server/calls/jobs";
import { defineJob } from "@/server/jobs/define";
import { insertJobRun, recordAttempt } from "@/server/jobs/runs";
import { saveRule } from "@/server/rules/store";
import { saveSettings } from "@/server/settings/queries";
import { addMembership, createTenant, upsertUser } from "@/server/tenancy/queries";
import type { SecurityFixture, SessionIdentity } from "@/server/trpc/init";
import { type AttackerConnections, seedAttackerRows, seedVictimRows } from "@/test/security-seed";

/**
 * The data the shared security suite (server/trpc/security.int.test.ts) attacks: tenant A (the victim) with
 * rows in every tenant-scoped table, tenant B (the attacker) that must see and change none of them. A feature
 * with new tenant-owned rows adds them here (or in test/security-seed.ts) and their ids to `SecurityFixture`.
 */
export type SecurityWorld = {
  fx: SecurityFixture;
  sessions: { ownerA: SessionIdentity; memberA: SessionIdentity; ownerB: SessionIdentity };
  /** Strings that must never appear in anything tenant B is answered. */
  secretsOfA: string[];
};

const LINE_OF_A = "74951110001";
const CLIENT_OF_A = "+79165550142";
const CONTACT_OF_A = 7_700_123;
const SMS_TO_A = "+79165550377";
const SMS_TEXT_OF_A = "Секретное SMS клиенту Альфы";

/** MANGO's key of the demo PBX's employee 101: a directory refresh on the emulator keeps the owner's pair present. */
const OWNER_MANGO_KEY = `user:${DEMO_PRODUCT_ID * 10 + 101}`;

const job = defineJob({
  id: "test.security",
  title: "t",
  payload: z.object({}),
  handler: async () => undefined,
});

/** With `attacker`, tenant B is connected to the emulators, so its own amoCRM and MANGO writes run to the end. */
export async function buildSecurityWorld(
  db: Db,
  opts: { attacker?: AttackerConnections } = {},
): Promise<SecurityWorld> {
  const a = await createTenant(db, {
    amocrmAccountId: 100,
    amocrmSubdomain: "alfa",
    amocrmBaseUrl: "http://a",
    name: "Альфа-Тенант",
  });
  const b = await createTenant(db, {
    amocrmAccountId: 200,
    amocrmSubdomain: "beta",
    amocrmBaseUrl: opts.attacker?.amocrmBaseUrl ?? "http://b",
    name: "Бета",
  });
  const ownerA = await upsertUser(db, { amocrmUserId: 1001, name: "Владелец Альфы" });
  const memberA = await upsertUser(db, { amocrmUserId: 1002, name: "Сотрудник Альфы" });
  const ownerB = await upsertUser(db, { amocrmUserId: 2001, name: "Владелец Беты" });
  await addMembership(db, { tenantId: a.id, userId: ownerA.id, role: "owner" });
  await addMembership(db, { tenantId: a.id, userId: memberA.id, role: "member" });
  await addMembership(db, { tenantId: b.id, userId: ownerB.id, role: "owner" });

  const ok = await insertJobRun(db, job, {}, { tenantId: a.id, idempotencyKey: "ok", driver: "local" });
  const bad = await insertJobRun(db, job, {}, { tenantId: a.id, idempotencyKey: "bad", driver: "local" });
  await recordAttempt(
    db,
    job,
    bad.row,
    1,
    { kind: "failed", reason: "boom", retriable: false },
    { retryAt: null },
  );
  const entryOf = async (id: string) =>
    (await db.select().from(activityLog).where(eq(activityLog.sourceId, id)))[0]!.id;

  // Settings of A with a recognisable line; B saved once too, so the `settings.save` sample (version 1,
  // server/trpc/procedures/settings-save.ts) is current for both tenants.
  const settingsOf = (line: string) => settingsDocumentSchema.parse({ limits: { lines: [line] } });
  await saveSettings(db, {
    tenantId: a.id,
    actorUserId: ownerA.id,
    expectedVersion: 0,
    settings: settingsOf(LINE_OF_A),
  });
  await saveSettings(db, {
    tenantId: b.id,
    actorUserId: ownerB.id,
    expectedVersion: 0,
    settings: settingsOf("74990000002"),
  });

  // An employee and a user of A that the automatic matching does not pair (names and e-mails differ).
  const [employeeA] = await db
    .insert(mangoEmployees)
    .values({
      tenantId: a.id,
      mangoKey: "user:9100501",
      extension: "501",
      name: "Гурьев Альфред",
      email: "gurev@alfa-secret.example",
      mobile: "+79160000501",
    })
    .returning();
  await db.insert(amocrmUsers).values({
    tenantId: a.id,
    amoUserId: 9_100_777,
    name: "Белова Алиса",
    email: "belova@alfa-secret.example",
  });

  // A finished call of A, logged on a contact (the Calls page shows it with its journal entry and contact).
  const [callA] = await db
    .insert(calls)
    .values({
      tenantId: a.id,
      entryId: "alfa-entry-1",
      direction: "incoming",
      stage: "finished",
      clientPhone: CLIENT_OF_A,
      answeredExtension: "501",
      rangExtensions: ["501"],
      startedAt: new Date(Date.now() - 3600_000),
      talkSeconds: 42,
    })
    .returning();
  const logged = await insertJobRun(
    db,
    writeCallJob,
    { callId: callA!.id },
    { tenantId: a.id, idempotencyKey: `call:${callA!.id}`, driver: "local" },
  );
  await recordAttempt(
    db,
    writeCallJob,
    logged.row,
    1,
    { kind: "done", result: { contactId: CONTACT_OF_A } },
    { retryAt: null },
  );

  // The owner of A has a mapped extension (extended integration), so rules.save with a PBX action passes;
  // a rule of A on a recognisable stage with a recognisable template.
  const [ownerExt] = await db
    .insert(mangoEmployees)
    .values({ tenantId: a.id, mangoKey: OWNER_MANGO_KEY, extension: "502", name: "Гурьев Аркадий" })
    .returning();
  await db
    .insert(employeeLinks)
    .values({ tenantId: a.id, mangoEmployeeId: ownerExt!.id, amoUserId: 1001, source: "manual" });
  // A's cached pipeline: the rules editor lists stages from it (rules.editorContext).
  await db.insert(amocrmPipelines).values({
    tenantId: a.id,
    pipelineId: 3_300_000,
    name: "Альфа-воронка",
    statuses: [{ id: 4_400_100, name: "Альфа-переговоры", sort: 10, type: "open", color: null }],
  });
  const ruleA = await saveRule(db, {
    tenantId: a.id,
    actorUserId: ownerA.id,
    authorAmoUserId: 1001,
    draft: {
      pipelineId: 3_300_000,
      statusId: 4_400_100,
      name: "Альфа-правило",
      enabled: true,
      trigger: "entered_stage",
      conditions: { mode: "all", items: [{ kind: "tag", op: "equals", value: "alfa-secret-tag" }] },
      actions: [
        {
          kind: "sms",
          recipients: ["client"],
          senderName: "AMANGO",
          template: "Альфа {{lead.price}}",
          fallback: null,
        },
      ],
      applyToCurrentDeals: false,
    },
  });

  // An SMS the rule of A sent (the SMS log): its number, text and deal must stay with A.
  const [smsA] = await db
    .insert(smsMessages)
    .values({
      tenantId: a.id,
      ruleId: ruleA!.id,
      leadId: 7_700_456,
      contactId: CONTACT_OF_A,
      recipientRole: "client",
      phone: SMS_TO_A,
      text: SMS_TEXT_OF_A,
      fromExtension: "502",
      idempotencyKey: "alfa-sms-key",
      commandId: "alfa-sms-command",
      status: "delivered",
      sentAt: new Date(Date.now() - 60_000),
      deliveredAt: new Date(),
    })
    .returning();

  // A finished application of that rule to its stage's deals, with a recognisable skip reason.
  const [applicationA] = await db
    .insert(ruleApplications)
    .values({
      tenantId: a.id,
      ruleId: ruleA!.id,
      pipelineId: 3_300_000,
      statusId: 4_400_100,
      status: "done",
      startedByUserId: ownerA.id,
      total: 3,
      processed: 3,
      queued: 2,
      skipped: 1,
      skipReasons: { "Нет тега alfa-secret-tag": 1 },
      finishedAt: new Date(),
    })
    .returning();

  const more = await seedVictimRows(db, {
    tenantId: a.id,
    ownerUserId: ownerA.id,
    callId: callA!.id,
    pairedEmployeeId: ownerExt!.id,
  });
  await seedAttackerRows(db, { tenantId: b.id, ownerAmoUserId: 2001, connections: opts.attacker });

  const fx: SecurityFixture = {
    tenantId: a.id,
    activityId: await entryOf(ok.runId),
    failedActivityId: await entryOf(bad.runId),
    memberUserId: memberA.id,
    mangoEmployeeId: employeeA!.id,
    amoUserId: "9100777",
    callId: callA!.id,
    ruleId: ruleA!.id,
    ruleApplicationId: applicationA!.id,
    ownerUserId: ownerA.id,
    ...more,
  };
  return {
    fx,
    sessions: {
      ownerA: { userId: ownerA.id, tenantId: a.id },
      memberA: { userId: memberA.id, tenantId: a.id },
      ownerB: { userId: ownerB.id, tenantId: b.id },
    },
    secretsOfA: [
      a.id,
      ownerA.id,
      memberA.id,
      fx.activityId,
      fx.failedActivityId,
      "Альфа",
      LINE_OF_A,
      "alfa-secret",
      "Гурьев",
      "Белова",
      "9100777",
      fx.callId,
      await entryOf(logged.runId),
      CLIENT_OF_A.slice(1),
      "+7916***0142",
      String(CONTACT_OF_A),
      fx.ruleId,
      fx.ruleApplicationId,
      smsA!.id,
      SMS_TO_A.slice(1),
      "+7 916 ***-**-77",
      SMS_TEXT_OF_A,
      "7700456",
      more.linkedMangoEmployeeId,
      more.proposedMangoEmployeeId,
      more.runningRuleId,
      "Прохоров",
      "demo-vpbx",
    ],
  };
}
