import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  amocrmAccountState,
  amocrmUsers,
  callbackAttempts,
  callbackPacing,
  callbackRulePauses,
  callLogs,
  calls,
  callTopics,
  campaignTasks,
  campaignTechnicalTasks,
  ccTopics,
  employeeLinks,
  leases,
  mangoConnections,
  mangoEmployees,
  mangoGroups,
  rateBudgets,
  realtimeMessages,
  realtimePresence,
  ruleApplications,
  webhookInbox,
  webhookRejectionWindows,
  widgetTokenUses,
} from "@/db/schema";
import { queueCallbackItem } from "@/server/callbacks/queue";
import { sealCampaignPhone } from "@/server/campaigns/phone";
import { type AmocrmTokens, saveAmocrmTokens } from "@/server/connections/amocrm-tokens";
import { connectMango } from "@/server/onboarding/mango-connect";
import { saveRule } from "@/server/rules/store";
import { secretFingerprint } from "@/server/secrets/fingerprint";
import { putSecret } from "@/server/secrets/store";

/**
 * The rest of the victim's rows for the shared security suite (test/security-fixture.ts seeds the ones the
 * other procedures read): every tenant-scoped table gets rows, and every mutation a row it could hit if its
 * tenant filter were gone — a running application, a pair, a proposal, a connection, sealed secrets.
 */

/** The victim's PBX: the key the MANGO emulator accepts, so another tenant's mango.connect is refused. */
export const VICTIM_MANGO_KEY = { apiKey: "demo-vpbx-key", salt: "demo-vpbx-salt" };
/** The demo and other amoCRM accounts' common admin (emulators/amocrm/seed-ids.ts). */
const SHARED_AMO_USER = 504_141;
const STAGE = { pipelineId: 3_300_000, statusId: 4_400_100 };

export async function seedVictimRows(
  db: Db,
  v: { tenantId: string; ownerUserId: string; callId: string; pairedEmployeeId: string },
) {
  const tenantId = v.tenantId;
  // Connections: sealed amoCRM tokens, the PBX key and salt, the connection with its fingerprint.
  await saveAmocrmTokens(db, {
    tenantId,
    tokens: { accessToken: "alfa-secret-access", refreshToken: "alfa-secret-refresh", expiresAt: 1 },
  });
  await putSecret(db, { tenantId, kind: "mango.api_key", value: VICTIM_MANGO_KEY.apiKey });
  await putSecret(db, { tenantId, kind: "mango.api_salt", value: VICTIM_MANGO_KEY.salt });
  await db.insert(mangoConnections).values({
    tenantId,
    status: "connected",
    keyHint: "de…ey",
    keyFingerprint: secretFingerprint("mango.api_key", VICTIM_MANGO_KEY.apiKey),
    verifiedAt: new Date(),
  });
  await db.insert(amocrmAccountState).values({
    tenantId,
    directorySyncedAt: new Date(),
    ccFieldsEnsuredAt: new Date(),
    ccFieldIds: { campaign: 1, task: 2, result: 3 },
    widgetInstalledAt: new Date(),
  });
  await db.insert(mangoGroups).values({ tenantId, groupId: 77, name: "Альфа-отдел", extension: "700" });
  await db.insert(callLogs).values({ tenantId, callId: v.callId, state: "done", contactId: 7_700_123 });
  // A call nobody could be given («Неразобранные звонки»): its extension is paired with no one.
  const [unattributed] = await db
    .insert(calls)
    .values({
      tenantId,
      entryId: "alfa-entry-unattributed",
      direction: "incoming",
      stage: "finished",
      clientPhone: "+7999***0599",
      answeredExtension: "599",
      rangExtensions: ["599"],
      startedAt: new Date(Date.now() - 1800_000),
      talkSeconds: 12,
    })
    .returning();
  await db.insert(callLogs).values({
    tenantId,
    callId: unattributed!.id,
    state: "skipped",
    skipKind: "unattributed",
    reason: "сотрудник 599 не сопоставлен с пользователем amoCRM, а «Сохранять все звонки» выключено",
  });
  // Its Contact Center topics saved into a deal (server/topics), shown on the Calls page.
  await db.insert(callTopics).values({
    tenantId,
    callId: v.callId,
    entryId: "alfa-entry-1",
    campaignCall: true,
    state: "saved",
    deadlineAt: new Date(Date.now() + 3600_000),
    topicIds: [7701],
    topicPaths: ["Альфа-тематика"],
    comment: "alfa-secret-comment",
    leadId: 7_700_456,
  });
  await db
    .insert(ccTopics)
    .values({ tenantId, topicId: 7701, name: "Альфа-тематика", fetchedAt: new Date() });
  await db.insert(webhookInbox).values({
    tenantId,
    provider: "mango",
    kind: "events/call",
    eventKey: "alfa-secret-event",
    status: "accepted",
    payload: { entry_id: "alfa-entry-1" },
  });
  // Work in flight: a lease naming the tenant (server/leases; lapsed, so the owner's own calls below are not
  // held up by it), a live card on its way to another instance.
  const inAMinute = new Date(Date.now() + 60_000);
  const aMinuteAgo = new Date(Date.now() - 60_000);
  await db
    .insert(leases)
    .values({ key: `cc-fields:${tenantId}`, holder: "alfa-worker", expiresAt: aMinuteAgo });
  await db.insert(realtimeMessages).values({
    topic: "call-card",
    tenantId,
    amoUserId: SHARED_AMO_USER,
    origin: "alfa-instance",
    ciphertext: "alfa-sealed-card",
    keyId: "k1",
  });
  await db.insert(rateBudgets).values({ key: `mango:${tenantId}:vpbx`, slots: [Date.now() - 60_000] });
  await db.insert(realtimePresence).values({
    instanceId: "alfa-instance",
    topic: "call-card",
    tenantId,
    amoUserId: SHARED_AMO_USER,
    expiresAt: inAMinute,
  });
  // A minute of rejected webhooks at the victim's address, counted past its recorded budget.
  await db.insert(webhookRejectionWindows).values({
    scope: `address:${tenantId}:mango`,
    windowStart: aMinuteAgo,
    tenantId,
    provider: "mango",
    recorded: 100,
    suppressed: 7,
    lastReason: "bad signature",
  });
  await db
    .insert(widgetTokenUses)
    .values({ tenantId, jti: "alfa-secret-jti", expiresAt: new Date(Date.now() + 3600_000) });

  // A pair with the amoCRM user the attacker's account shares (one person in two accounts, amoCRM's id
  // 504141 in both): a join on the amoCRM user id that lost its tenant would show this pair to the attacker.
  const [shared] = await db
    .insert(mangoEmployees)
    .values({ tenantId, mangoKey: "user:9100504", extension: "504", name: "Гурьев Антон" })
    .returning();
  await db
    .insert(employeeLinks)
    .values({ tenantId, mangoEmployeeId: shared!.id, amoUserId: SHARED_AMO_USER, source: "manual" });

  // An employee and a user the automatic matching pairs by e-mail, not paired yet.
  const [proposed] = await db
    .insert(mangoEmployees)
    .values({
      tenantId,
      mangoKey: "user:9100503",
      extension: "503",
      name: "Прохоров Альберт",
      email: "prokhorov@alfa-secret.example",
    })
    .returning();
  await db.insert(amocrmUsers).values({
    tenantId,
    amoUserId: 9_100_778,
    name: "Прохоров Альберт",
    email: "prokhorov@alfa-secret.example",
  });

  // A second rule whose "apply to current deals" is running: rules.applyCancel would flag it.
  const running = await saveRule(db, {
    tenantId,
    actorUserId: v.ownerUserId,
    authorAmoUserId: 1001,
    draft: {
      ...STAGE,
      name: "Альфа-рассылка",
      enabled: true,
      trigger: "entered_stage",
      conditions: { mode: "all", items: [] },
      actions: [
        {
          kind: "sms",
          recipients: ["client", "responsible"],
          senderName: "AMANGO",
          template: "Альфа-шаблон для {{lead.name}}",
          fallback: "клиент",
        },
      ],
      applyToCurrentDeals: false,
    },
  });
  await db.insert(ruleApplications).values({
    tenantId,
    ruleId: running!.id,
    ...STAGE,
    status: "running",
    startedByUserId: v.ownerUserId,
    total: 40,
    processed: 10,
    queued: 4,
  });
  // The auto-callback queue: one queued item of the running rule, one attempt, the pacing, a paused rule.
  const item = await queueCallbackItem(db, {
    tenantId,
    ruleId: running!.id,
    ruleName: "Альфа-перезвон",
    leadId: 7_700_555,
    leadName: "Альфа-сделка",
    contactId: 7_700_123,
    idempotencyKey: `rule:${running!.id}:lead:7700555:victim`,
    target: { type: "employee", amoUserId: SHARED_AMO_USER, extension: "101", name: "Альфа-сотрудник" },
    phone: "+79990007755",
    lineNumber: null,
    taskOnFailure: true,
    stageOnSuccess: STAGE,
    stageOnFailure: null,
  });
  await db.insert(callbackAttempts).values({ tenantId, itemId: item.id, commandId: "acb-victim-1" });
  await db.insert(callbackPacing).values({ tenantId, nextSlotAt: new Date() });
  await db.insert(callbackRulePauses).values({ tenantId, ruleId: running!.id });
  // A campaign task of the rule and the campaign's technical task.
  const campaignTaskId = randomUUID();
  await db.insert(campaignTasks).values({
    id: campaignTaskId,
    tenantId,
    ruleId: running!.id,
    leadId: 7_700_555,
    campaignId: 56919,
    campaignName: "Альфа-кампания",
    // Refused by a completed campaign after the rule was saved: an alert on «Обзор» (campaigns.alerts).
    state: "failed",
    resultCode: 5106,
    updatedAt: new Date(Date.now() + 60_000),
    idempotencyKey: `rule:${running!.id}:lead:7700555:campaign`,
    ...sealCampaignPhone({ tenantId, id: campaignTaskId }, "+79990007755"),
  });
  await db.insert(campaignTechnicalTasks).values({ tenantId, campaignId: 56919, state: "added" });
  return {
    linkedMangoEmployeeId: v.pairedEmployeeId,
    proposedMangoEmployeeId: proposed!.id,
    runningRuleId: running!.id,
    callbackItemId: item.id,
  };
}

/** Tenant B on the emulators' second amoCRM account and second PBX (test/amocrm-emulator.ts `connect`). */
export type AttackerConnections = {
  amocrmBaseUrl: string;
  tokens: AmocrmTokens;
  mango: { apiKey: string; salt: string; baseUrl: string };
};

/**
 * The attacker's own extension, paired with its owner: rules.save with a PBX action gets past the extension
 * check and reaches the write, so a missing tenant filter there would show. Connected to the emulators, its
 * employees are the PBX's (a directory refresh keeps them present) and the first one is the owner's.
 */
export async function seedAttackerRows(
  db: Db,
  a: { tenantId: string; ownerAmoUserId: number; connections?: AttackerConnections },
) {
  const c = a.connections;
  let employeeId: string;
  if (c) {
    await saveAmocrmTokens(db, { tenantId: a.tenantId, tokens: c.tokens });
    const { baseUrl, ...key } = c.mango;
    const connected = await connectMango(
      db,
      { tenantId: a.tenantId, actorUserId: null, ...key },
      { baseUrl },
    );
    if (!connected.ok) throw new Error(`the attacker's PBX did not connect: ${connected.reason}`);
    const [first] = await db
      .select()
      .from(mangoEmployees)
      .where(eq(mangoEmployees.tenantId, a.tenantId))
      .orderBy(mangoEmployees.extension)
      .limit(1);
    employeeId = first!.id;
  } else {
    const [employee] = await db
      .insert(mangoEmployees)
      .values({ tenantId: a.tenantId, mangoKey: "user:2001", extension: "201", name: "Борисов Борис" })
      .returning();
    employeeId = employee!.id;
  }
  await db.insert(employeeLinks).values({
    tenantId: a.tenantId,
    mangoEmployeeId: employeeId,
    amoUserId: a.ownerAmoUserId,
    source: "manual",
  });
  // A call of its own that rang the victim's extensions' numbers (501, 502: extensions are per PBX), so a
  // join by extension that lost its tenant would show the victim's employees to the attacker.
  await db.insert(calls).values({
    tenantId: a.tenantId,
    entryId: "beta-entry-1",
    direction: "incoming",
    stage: "finished",
    clientPhone: "+79035550199",
    answeredExtension: "501",
    rangExtensions: ["501", "502"],
    startedAt: new Date(Date.now() - 1800_000),
    talkSeconds: 7,
  });
}
