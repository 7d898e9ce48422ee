// The SMS log page (issue 7 "SMS log"): every SMS a rule sent or decided not to send, newest first,
// cursor-paginated, with its rule and deal. The recipient's number leaves this module masked — in the
// recipient column and inside the text.
import { and, desc, eq, like, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rules, smsMessages, smsStatus } from "@/db/schema";
import { hidePhonesIn, maskRecipientPhone } from "./mask";
import { openSmsPhone, searchedPhone, smsPhoneLookup } from "./phone";

export const SMS_STATUSES = smsStatus.enumValues;
export type SmsStatus = (typeof SMS_STATUSES)[number];
export const SMS_ROLES = ["client", "responsible", "author"] as const;
export type SmsRole = (typeof SMS_ROLES)[number];

export type SmsHistoryFilter = {
  tenantId: string;
  status?: SmsStatus;
  ruleId?: string;
  from?: Date;
  to?: Date;
  /** Digits: the end of the recipient's number (2–4 digits), the whole number (10+), or a deal id. */
  search?: string;
};

/** The last row of the previous page: the next page starts strictly after it in (time, id) order. */
export type SmsHistoryCursor = { at: Date; id: string };

export type SmsHistoryRow = {
  id: string;
  createdAt: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
  /** "+7 916 ***-**-67". */
  phone: string;
  roles: SmsRole[];
  rule: { id: string; name: string } | null;
  leadId: number | null;
  leadUrl: string | null;
  status: SmsStatus;
  reason: string | null;
  text: string;
  segments: number;
  senderName: string | null;
};

/** Fewer digits would match half the log; the search box explains it. */
export const MIN_SEARCH_DIGITS = 2;
/**
 * The number is matched on its last 2–4 digits only: a longer suffix search would let a member recover a
 * masked number digit by digit. Longer input is taken as a deal id (at most a bigint).
 */
export const MAX_PHONE_SEARCH_DIGITS = 4;
const MAX_LEAD_ID_DIGITS = 15;

/** When the SMS was made, truncated to milliseconds (a JS Date's precision) so the cursor compares exactly. */
export const smsTime = sql<Date>`date_trunc('milliseconds', ${smsMessages.createdAt})`;

/** The tenant is always in the where. */
export function smsHistoryWhere(f: SmsHistoryFilter): SQL {
  const digits = f.search?.replace(/\D/g, "") ?? "";
  const wholeNumber = searchedPhone(digits);
  const search =
    digits.length >= MIN_SEARCH_DIGITS
      ? or(
          // `phone` keeps the last four digits in clear (masked `+7999***4567`, or whole in older rows).
          digits.length <= MAX_PHONE_SEARCH_DIGITS ? like(smsMessages.phone, `%${digits}`) : undefined,
          // A whole number: by its keyed fingerprint (phone.ts), never by the digits themselves.
          wholeNumber ? eq(smsMessages.phoneLookup, smsPhoneLookup(f.tenantId, wholeNumber)) : undefined,
          digits.length <= MAX_LEAD_ID_DIGITS ? eq(smsMessages.leadId, Number(digits)) : undefined,
        )
      : undefined;
  return and(
    eq(smsMessages.tenantId, f.tenantId),
    f.status ? eq(smsMessages.status, f.status) : undefined,
    f.ruleId ? eq(smsMessages.ruleId, f.ruleId) : undefined,
    f.from ? sql`${smsTime} >= ${f.from.toISOString()}::timestamptz` : undefined,
    f.to ? sql`${smsTime} <= ${f.to.toISOString()}::timestamptz` : undefined,
    search,
  )!;
}

export const leadUrlOf = (baseUrl: string, leadId: number) =>
  `${baseUrl.replace(/\/+$/, "")}/leads/detail/${leadId}`;

/** "client+responsible" (plan.ts) or "client,responsible" (the column's comment): both read. */
const rolesOf = (value: string): SmsRole[] =>
  value
    .split(/[+,]/)
    .map((r) => r.trim())
    .filter((r): r is SmsRole => (SMS_ROLES as readonly string[]).includes(r));

const afterCursor = (c: SmsHistoryCursor): SQL =>
  sql`(${smsTime}, ${smsMessages.id}) < (${c.at.toISOString()}::timestamptz, ${c.id}::uuid)`;

export async function listSmsHistory(
  db: Db,
  f: SmsHistoryFilter & { amocrmBaseUrl: string; cursor?: SmsHistoryCursor; limit: number },
): Promise<{ items: SmsHistoryRow[]; nextCursor: SmsHistoryCursor | null }> {
  const rows = await db
    .select({
      id: smsMessages.id,
      at: sql<Date>`${smsTime}`.mapWith(smsMessages.createdAt),
      sentAt: smsMessages.sentAt,
      deliveredAt: smsMessages.deliveredAt,
      phone: smsMessages.phone,
      phoneSealed: smsMessages.phoneSealed,
      sealKeyId: smsMessages.sealKeyId,
      role: smsMessages.recipientRole,
      ruleId: rules.id,
      ruleName: sql<string | null>`${rules.document}->>'name'`,
      leadId: smsMessages.leadId,
      status: smsMessages.status,
      reason: smsMessages.reason,
      text: smsMessages.text,
      segments: smsMessages.segments,
      senderName: smsMessages.senderName,
    })
    .from(smsMessages)
    .leftJoin(rules, and(eq(rules.tenantId, f.tenantId), eq(rules.id, smsMessages.ruleId)))
    .where(and(smsHistoryWhere(f), f.cursor ? afterCursor(f.cursor) : undefined))
    .orderBy(desc(smsTime), desc(smsMessages.id))
    .limit(f.limit + 1);

  const items = rows.slice(0, f.limit).map(
    (r): SmsHistoryRow => ({
      id: r.id,
      createdAt: r.at,
      sentAt: r.sentAt,
      deliveredAt: r.deliveredAt,
      // Opened only to be masked the log's way (`+7 916 ***-**-67`); the stored mask keeps other digits.
      phone: maskRecipientPhone(openSmsPhone({ ...r, tenantId: f.tenantId })),
      roles: rolesOf(r.role),
      rule: r.ruleId ? { id: r.ruleId, name: r.ruleName?.trim() ?? "" } : null,
      leadId: r.leadId,
      leadUrl: r.leadId ? leadUrlOf(f.amocrmBaseUrl, r.leadId) : null,
      status: r.status,
      reason: r.reason ? hidePhonesIn(r.reason) : null,
      text: hidePhonesIn(r.text),
      segments: r.segments,
      senderName: r.senderName,
    }),
  );
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > f.limit && last ? { at: last.createdAt, id: last.id } : null,
  };
}
