// What the owner's journal says about a group beyond its entries, read from the truth tables by the
// group's key: a call's client and the amoCRM contact and deal it was logged on, an SMS's recipient and
// delivery, what each rule did to a deal, an application's counters. Tenant in every where; phones masked.
import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { callLogs, calls, callTopics, ruleApplications, rules, smsMessages } from "@/db/schema";
import { maskPhone } from "@/server/log/mask";
import { ownerReason } from "./reasons";

export type JournalFacts = {
  direction?: "incoming" | "outgoing" | "internal" | "unknown";
  /** Masked (+7999***4567). */
  phone?: string | null;
  /** A call logged with another direction than MANGO's summary named, and why (server/calls/assembly/facts.ts). */
  directionNote?: string | null;
  /** A call several employees talked on (a transfer, a consultation): their extensions, in order. */
  talked?: string[];
  contactUrl?: string | null;
  leadUrl?: string | null;
  leadId?: number | null;
  smsStatus?: "queued" | "sent" | "delivered" | "failed" | "skipped";
  /** A Contact Center call's topics (server/topics): waiting with the next question, saved into a deal, skipped. */
  topics?: {
    state: "waiting" | "placing" | "saved" | "skipped";
    nextPollAt: string | null;
    leadUrl: string | null;
    paths: string[];
    reason: string | null;
  } | null;
  /** rules.evaluate / rules.account-event: what each rule of the stage did. */
  rules?: { name: string; acted: boolean; queued: number; reason: string | null }[];
  apply?: {
    ruleName: string | null;
    status: "running" | "done" | "cancelled" | "failed";
    total: number | null;
    processed: number;
    queued: number;
    skipped: number;
    failed: number;
  };
};

const ruleOutcomes = z.object({
  rules: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      queued: z.number().optional(),
      reason: z.string().optional(),
      skipped: z.array(z.string()).optional(),
    }),
  ),
});

const base = (url: string) => url.replace(/\/+$/, "");
const contactUrl = (url: string, id: number) => `${base(url)}/contacts/detail/${id}`;
const leadUrl = (url: string, id: number) => `${base(url)}/leads/detail/${id}`;
const LEAD_KEY = /^lead:(\d+)@/;

export async function journalFacts(
  db: Db,
  q: { tenantId: string; amocrmBaseUrl: string; groups: { key: string; result: unknown }[] },
): Promise<Map<string, JournalFacts>> {
  const out = new Map<string, JournalFacts>();
  const suffixes = (prefix: string) =>
    q.groups.filter((g) => g.key.startsWith(prefix)).map((g) => g.key.slice(prefix.length));
  const url = q.amocrmBaseUrl;

  const entryIds = suffixes("call:");
  if (entryIds.length) {
    const rows = await db
      .select({
        entryId: calls.entryId,
        direction: calls.direction,
        phone: calls.clientPhone,
        directionNote: calls.directionNote,
        talked: calls.talkedExtensions,
        contactId: callLogs.contactId,
        leadId: callLogs.leadId,
        topics: {
          state: callTopics.state,
          nextPollAt: callTopics.nextPollAt,
          leadId: callTopics.leadId,
          paths: callTopics.topicPaths,
          reason: callTopics.reason,
        },
      })
      .from(calls)
      .leftJoin(callLogs, and(eq(callLogs.callId, calls.id), eq(callLogs.tenantId, q.tenantId)))
      .leftJoin(callTopics, and(eq(callTopics.callId, calls.id), eq(callTopics.tenantId, q.tenantId)))
      .where(and(eq(calls.tenantId, q.tenantId), inArray(calls.entryId, entryIds)));
    for (const r of rows)
      out.set(`call:${r.entryId}`, {
        direction: r.direction,
        phone: r.phone ? maskPhone(r.phone) : null,
        directionNote: r.directionNote,
        talked: (r.talked as string[]).length > 1 ? (r.talked as string[]) : [],
        contactUrl: r.contactId ? contactUrl(url, r.contactId) : null,
        leadUrl: r.leadId ? leadUrl(url, r.leadId) : null,
        leadId: r.leadId,
        topics: r.topics?.state
          ? {
              state: r.topics.state,
              nextPollAt: r.topics.state === "waiting" ? (r.topics.nextPollAt?.toISOString() ?? null) : null,
              leadUrl: r.topics.leadId ? leadUrl(url, r.topics.leadId) : null,
              paths: r.topics.paths ?? [],
              reason: r.topics.reason ? ownerReason(r.topics.reason) : null,
            }
          : null,
      });
  }

  const commandIds = suffixes("sms:");
  if (commandIds.length) {
    const rows = await db
      .select({
        commandId: smsMessages.commandId,
        status: smsMessages.status,
        phone: smsMessages.phone,
        leadId: smsMessages.leadId,
      })
      .from(smsMessages)
      .where(and(eq(smsMessages.tenantId, q.tenantId), inArray(smsMessages.commandId, commandIds)));
    for (const r of rows)
      out.set(`sms:${r.commandId}`, {
        smsStatus: r.status,
        phone: maskPhone(r.phone),
        leadId: r.leadId,
        leadUrl: r.leadId ? leadUrl(url, r.leadId) : null,
      });
  }

  for (const g of q.groups) {
    const lead = LEAD_KEY.exec(g.key);
    if (!lead) continue;
    const leadId = Number(lead[1]);
    const parsed = ruleOutcomes.safeParse(g.result);
    out.set(g.key, {
      leadId,
      leadUrl: leadId > 0 ? leadUrl(url, leadId) : null,
      ...(parsed.success
        ? {
            rules: parsed.data.rules.map((r) => ({
              name: r.name,
              acted: r.status === "acted",
              queued: r.queued ?? 0,
              reason: ownerReason(r.reason ?? (r.skipped?.length ? r.skipped.join("; ") : null)),
            })),
          }
        : {}),
    });
  }

  const applicationIds = suffixes("apply:").filter((id) => z.uuid().safeParse(id).success);
  if (applicationIds.length) {
    const rows = await db
      .select({
        id: ruleApplications.id,
        ruleName: sql<string | null>`${rules.document}->>'name'`,
        status: ruleApplications.status,
        total: ruleApplications.total,
        processed: ruleApplications.processed,
        queued: ruleApplications.queued,
        skipped: ruleApplications.skipped,
        failed: ruleApplications.failed,
      })
      .from(ruleApplications)
      .leftJoin(rules, and(eq(rules.id, ruleApplications.ruleId), eq(rules.tenantId, q.tenantId)))
      .where(and(eq(ruleApplications.tenantId, q.tenantId), inArray(ruleApplications.id, applicationIds)));
    for (const { id, ...apply } of rows) out.set(`apply:${id}`, { apply });
  }
  return out;
}
