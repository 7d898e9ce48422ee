import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { webhookInbox } from "@/db/schema";
import { recordActivity } from "@/server/activity/record";
import { type Keyring, open, seal } from "@/server/crypto/envelope";
import { appKeyring } from "@/server/crypto/keyring";
import { maskPayload } from "@/server/log/mask";
import { admitRejection } from "./rejections";

const MAX_KEPT_BODY = 4096;

/**
 * Records a rejected webhook (inbox row + journal entry) within its source's budget (./rejections.ts):
 * beyond it the rejection is only counted, and null is returned.
 */
export async function recordRejectedWebhook(
  db: Db,
  r: {
    tenantId: string | null;
    provider: string;
    kind: string;
    reason: string;
    raw: string;
    /** The sender's client address (./client-address.ts); "unknown" when the caller has none. */
    address?: string;
    at?: Date;
  },
): Promise<string | null> {
  const admitted = await admitRejection(db, {
    tenantId: r.tenantId,
    provider: r.provider,
    address: r.address ?? "unknown",
    reason: r.reason,
    at: r.at ?? new Date(),
  });
  if (!admitted) return null;
  const body = r.raw.length > MAX_KEPT_BODY ? `${r.raw.slice(0, MAX_KEPT_BODY)}…` : r.raw;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookInbox)
      .values({
        tenantId: r.tenantId,
        provider: r.provider,
        kind: r.kind,
        status: "rejected",
        reason: r.reason,
        payload: { raw: body },
      })
      .returning({ id: webhookInbox.id });
    await recordActivity(tx as unknown as Db, {
      tenantId: r.tenantId,
      source: "webhook",
      sourceId: row!.id,
      kind: `${r.provider}.${r.kind}`,
      status: "rejected",
      reason: r.reason,
      payload: { raw: body },
    });
    return row!.id;
  });
}

const sealContext = (tenantId: string, inboxId: string) => `tenant:${tenantId}:webhook_inbox:${inboxId}`;

/**
 * Stores an accepted event once per provider identity; `created` is false for a redelivery. The event is
 * kept masked in `payload` (what support reads) and sealed whole in `sealed_payload` (what its job reads,
 * `readAcceptedEvent`): no full phone number or secret field sits in the inbox in plaintext.
 */
export async function storeAcceptedWebhook(
  db: Db,
  r: {
    tenantId: string;
    provider: string;
    kind: string;
    eventKey: string;
    payload: unknown;
    subject?: string;
    subjectKey?: string;
  },
  keyring: Keyring = appKeyring(),
) {
  const id = randomUUID();
  const sealed = seal(keyring, JSON.stringify(r.payload), sealContext(r.tenantId, id));
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(webhookInbox)
      .values({
        id,
        tenantId: r.tenantId,
        provider: r.provider,
        kind: r.kind,
        eventKey: r.eventKey,
        status: "accepted",
        payload: maskPayload(r.payload) as object,
        sealedPayload: sealed.ciphertext,
        sealedKeyId: sealed.keyId,
      })
      .onConflictDoNothing()
      .returning();
    if (created) {
      await recordActivity(tx as unknown as Db, {
        tenantId: r.tenantId,
        source: "webhook",
        sourceId: created.id,
        kind: `${r.provider}.${r.kind}`,
        status: "received",
        subject: r.subject ?? null,
        subjectKey: r.subjectKey ?? null,
        payload: r.payload,
      });
      return { row: created, created: true };
    }
    const [existing] = await tx
      .select()
      .from(webhookInbox)
      .where(
        and(
          eq(webhookInbox.tenantId, r.tenantId),
          eq(webhookInbox.provider, r.provider),
          eq(webhookInbox.eventKey, r.eventKey),
        ),
      );
    return { row: existing!, created: false };
  });
}

export async function markWebhookEnqueued(
  db: Db,
  r: { inboxId: string; tenantId: string; jobRunId: string; kind: string },
) {
  await db.transaction(async (tx) => {
    await tx
      .update(webhookInbox)
      .set({ jobRunId: r.jobRunId })
      .where(and(eq(webhookInbox.id, r.inboxId), eq(webhookInbox.tenantId, r.tenantId)));
    await recordActivity(tx as unknown as Db, {
      tenantId: r.tenantId,
      source: "webhook",
      sourceId: r.inboxId,
      kind: r.kind,
      status: "done",
      reason: "принято, передано в обработку",
    });
  });
}

/**
 * The accepted event as it was received, opened from its inbox row; null when the row is gone (pruned) or
 * was stored before events were sealed.
 */
export async function readAcceptedEvent(
  db: Db,
  { tenantId, inboxId }: { tenantId: string; inboxId: string },
  keyring: Keyring = appKeyring(),
): Promise<unknown | null> {
  const [row] = await db
    .select({ ciphertext: webhookInbox.sealedPayload, keyId: webhookInbox.sealedKeyId })
    .from(webhookInbox)
    .where(and(eq(webhookInbox.id, inboxId), eq(webhookInbox.tenantId, tenantId)));
  if (!row?.ciphertext || !row.keyId) return null;
  return JSON.parse(
    open(keyring, { ciphertext: row.ciphertext, keyId: row.keyId }, sealContext(tenantId, inboxId)),
  );
}
