import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { webhookInbox } from "@/db/schema";
import { recordActivity } from "@/server/activity/record";
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

/** Stores an accepted event once per provider identity; `created` is false for a redelivery. */
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
) {
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(webhookInbox)
      .values({
        tenantId: r.tenantId,
        provider: r.provider,
        kind: r.kind,
        eventKey: r.eventKey,
        status: "accepted",
        payload: r.payload as object,
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
