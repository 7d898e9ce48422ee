import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { pruneActivity } from "@/server/activity/jobs";
import { recordActivity } from "@/server/activity/record";
import { maxAttemptsOf } from "@/server/jobs/define";
import { insertJobRun, recordAttempt } from "@/server/jobs/runs";
import { addMembership, createTenant, upsertUser } from "@/server/tenancy/queries";
import { recordRejectedWebhook, storeAcceptedWebhook } from "@/server/webhooks/inbox";

export type PortalSeed = {
  tenantId: string;
  tenantName: string;
  owner: { id: string; name: string };
  member: { id: string; name: string };
  failed: { runId: string; reason: string };
};

export const FAILED_REASON = "превышено время ожидания ответа базы данных";

/** One tenant, its owner and a member, and a journal with a failed job run, webhooks and a retrying task. */
export async function seedPortal(db: Db): Promise<PortalSeed> {
  const tenant = await createTenant(db, {
    amocrmAccountId: 31_337_001,
    amocrmSubdomain: "romashka",
    amocrmBaseUrl: "https://romashka.amocrm.ru",
    name: "ООО «Ромашка»",
  });
  const owner = await upsertUser(db, {
    amocrmUserId: 9_100_001,
    name: "Анна Смирнова",
    email: "anna@romashka.example",
  });
  const member = await upsertUser(db, {
    amocrmUserId: 9_100_002,
    name: "Иван Петров",
    email: "ivan@romashka.example",
  });
  await addMembership(db, { tenantId: tenant.id, userId: owner.id, role: "owner" });
  await addMembership(db, { tenantId: tenant.id, userId: member.id, role: "member" });

  await storeAcceptedWebhook(db, {
    tenantId: tenant.id,
    provider: "mango",
    kind: "call",
    eventKey: `e2e-call-${randomUUID()}`,
    subject: "+7 900 ***-**-42",
    payload: {
      entry_id: "MTIzNDU2",
      call_state: "Disconnected",
      from: { number: "79001234542" },
      to: { extension: "101" },
    },
  });
  await recordRejectedWebhook(db, {
    tenantId: tenant.id,
    provider: "mango",
    kind: "summary",
    reason: "неверная подпись запроса",
    raw: '{"entry_id":"MTIzNDU3","sign":"bad"}',
  });
  await recordActivity(db, {
    tenantId: tenant.id,
    source: "job",
    sourceId: randomUUID(),
    kind: "mango.recording",
    status: "retrying",
    subject: "Запись звонка MTIzNDU2",
    reason: "MANGO OFFICE ответил 503",
    attempts: 2,
    nextRetryAt: new Date(Date.now() + 15 * 60_000),
  });

  const { row } = await insertJobRun(
    db,
    pruneActivity,
    {},
    { tenantId: tenant.id, idempotencyKey: "e2e-failed", driver: "local" },
  );
  const attempts = maxAttemptsOf(pruneActivity);
  await recordAttempt(
    db,
    pruneActivity,
    row,
    attempts,
    { kind: "failed", reason: FAILED_REASON, retriable: false },
    { retryAt: null },
  );

  return {
    tenantId: tenant.id,
    tenantName: tenant.name,
    owner: { id: owner.id, name: owner.name },
    member: { id: member.id, name: member.name },
    failed: { runId: row.id, reason: FAILED_REASON },
  };
}
