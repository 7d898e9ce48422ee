// The call card's content (issue 6 "Call card"): who is calling, as amoCRM knows them — contact, company,
// responsible, open deals — and our own last call with that number. Looked up once per number and kept
// briefly, so the several legs of one call (parallel ringing, answer, hangup) and a second ring a moment
// later cost one round of amoCRM requests, and the account's 7 requests/second stay for the call log.
import { and, desc, eq, isNotNull, ne, or } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { amocrmUsers, calls, type Tenant } from "@/db/schema";
import type { AmocrmClient } from "@/server/amocrm";
import { contactHasPhone, phoneDigits, toContact } from "@/server/amocrm/transform";
import { contactSchema } from "@/server/amocrm/types";
import { callPhoneLookup } from "@/server/calls/phone";
import { earliestContact, isOpenStatus } from "@/server/calls/write/decide";
import { amocrmClientFor } from "@/server/connections/amocrm";
import type { CardCampaign } from "./campaign";

export type CardState = "ringing" | "answered" | "ended";

export type CardLink = { id: number; name: string; url: string };

/** What amoCRM knows about the number. `new`: no contact carries it ("Новый клиент" on the card). */
export type CardClient = {
  status: "known" | "new" | "unavailable";
  contact: CardLink | null;
  company: CardLink | null;
  responsible: { id: number; name: string } | null;
  leads: (CardLink & { price: number })[];
  /**
   * A known contact's deals and company (and a responsible the directory does not know) are still being
   * read: the card already shows the contact, `leads` and `company` follow in the next message.
   */
  details?: "pending";
};

export type CardLastCall = {
  at: string;
  direction: "incoming" | "outgoing" | "internal" | "unknown";
  answered: boolean;
  talkSeconds: number;
};

/** One message of the stream: the whole card each time, so a tab that missed one is still right. */
export type CallCard = {
  entryId: string;
  state: CardState;
  phone: string;
  line: string | null;
  extension: string;
  /** `pending` while amoCRM is being asked: the card shows the number at once and fills in. */
  lookup: "pending" | "done";
  client: CardClient | null;
  lastCall: CardLastCall | null;
  /** A Contact Center campaign call (ObDial): what the campaign task says about the client; else null. */
  campaign: CardCampaign | null;
  /**
   * Only on a campaign call with «Открывать в отдельной вкладке карточку сделки при автозвонке» on, once
   * the contact's open deal is known: the widget opens it in a new tab, once per call.
   */
  openDealUrl?: string;
};

/** A ring a moment after the last one reuses the answer; a new contact made from the card replaces it. */
export const CARD_CACHE_TTL_MS = 30_000;

const companySchema = z.object({ id: z.number(), name: z.string().nullish() });

/**
 * A number's client in two stages: `contact` after ONE amoCRM request (the contacts search: who is calling,
 * their link, the responsible from the cached directory), `full` once the contact's deals and company were
 * read too. The card shows the first as soon as it is there (ring → card with the contact: one round trip).
 */
export type CardClientStages = { contact: Promise<CardClient>; full: Promise<CardClient> };

const cache = new Map<string, { expires: number; value: CardClientStages }>();

const cacheKey = (tenantId: string, phone: string) => `${tenantId}:${phone}`;

export function forgetCardClient(tenantId: string, phone: string): void {
  cache.delete(cacheKey(tenantId, phone));
}

/**
 * The client of a number, from the cache when fresh. Concurrent callers share one lookup in flight. A
 * failed lookup is not cached: the card says amoCRM could not answer, and the next ring asks again.
 */
export function cardClientStagesOf(
  db: Db,
  tenant: Pick<Tenant, "id" | "amocrmBaseUrl">,
  phone: string,
  o: { now?: number; clientFor?: (db: Db) => AmocrmClient } = {},
): CardClientStages {
  const now = o.now ?? Date.now();
  for (const [k, v] of cache) if (v.expires <= now) cache.delete(k);
  const key = cacheKey(tenant.id, phone);
  const hit = cache.get(key);
  if (hit) return hit.value;
  const amo = (o.clientFor ?? ((d: Db) => amocrmClientFor(d, tenant)))(db);
  const value = lookupCardClientStages(db, amo, {
    tenantId: tenant.id,
    baseUrl: tenant.amocrmBaseUrl,
    phone,
  });
  cache.set(key, { expires: now + CARD_CACHE_TTL_MS, value });
  const forget = () => {
    if (cache.get(key)?.value === value) cache.delete(key);
  };
  value.contact.catch(forget);
  value.full.catch(forget);
  return value;
}

/** The whole client of a number (deals and company included), cached as `cardClientStagesOf`. */
export function cardClientOf(
  db: Db,
  tenant: Pick<Tenant, "id" | "amocrmBaseUrl">,
  phone: string,
  o: { now?: number; clientFor?: (db: Db) => AmocrmClient } = {},
): Promise<CardClient> {
  return cardClientStagesOf(db, tenant, phone, o).full;
}

const NEW_CLIENT: CardClient = { status: "new", contact: null, company: null, responsible: null, leads: [] };

/**
 * One search by the number's last 10 digits, `with=leads` (keeping only contacts whose PHONE really matches,
 * the earliest winning as in the call log): that answer alone makes the `contact` stage, with the
 * responsible's name from the cached user directory. Then, only when the contact has deals or a company
 * (or a responsible the directory has not seen), those are read in parallel for the `full` stage.
 */
export function lookupCardClientStages(
  db: Db,
  amo: AmocrmClient,
  { tenantId, baseUrl, phone }: { tenantId: string; baseUrl: string; phone: string },
): CardClientStages {
  const found = (async () => {
    const digits = phoneDigits(phone);
    if (digits.length < 5) return null;
    const page = await amo.http.request(
      "GET",
      "/api/v4/contacts",
      z.object({ _embedded: z.object({ contacts: z.array(contactSchema) }) }),
      { query: { query: digits.slice(-10), with: "leads", limit: 50 } },
    );
    const raw = (page?._embedded.contacts ?? []).filter((c) => contactHasPhone(toContact(c), phone));
    const best = earliestContact(raw.map((r) => ({ ...toContact(r), raw: r })));
    if (!best) return null;
    const known = best.responsibleUserId
      ? await directoryUserName(db, tenantId, best.responsibleUserId)
      : null;
    return { best, known };
  })();
  const contact = found.then((f): CardClient => {
    if (!f) return NEW_CLIENT;
    const { best, known } = f;
    const companyId = best.raw._embedded?.companies?.[0]?.id ?? null;
    const more = best.leadIds.length > 0 || companyId !== null || (best.responsibleUserId && known === null);
    return {
      status: "known",
      contact: { id: best.id, name: best.name, url: `${baseUrl}/contacts/detail/${best.id}` },
      company: null,
      responsible: best.responsibleUserId
        ? { id: best.responsibleUserId, name: known ?? `#${best.responsibleUserId}` }
        : null,
      leads: [],
      ...(more ? { details: "pending" as const } : {}),
    };
  });
  const full = contact.then(async (first): Promise<CardClient> => {
    const f = await found;
    if (!f || first.details !== "pending") return first;
    const { best, known } = f;
    const companyId = best.raw._embedded?.companies?.[0]?.id ?? null;
    const [leads, company, responsible] = await Promise.all([
      best.leadIds.length > 0 ? amo.listLeads({ ids: best.leadIds.slice(0, 50) }) : Promise.resolve([]),
      companyId ? amo.http.request("GET", `/api/v4/companies/${companyId}`, companySchema) : null,
      best.responsibleUserId && known === null ? amocrmUserName(amo, best.responsibleUserId) : known,
    ]);
    return {
      status: "known",
      contact: first.contact,
      company: company
        ? { id: company.id, name: company.name ?? "", url: `${baseUrl}/companies/detail/${company.id}` }
        : null,
      responsible: best.responsibleUserId
        ? { id: best.responsibleUserId, name: responsible ?? `#${best.responsibleUserId}` }
        : null,
      leads: leads
        .filter((l) => !l.isDeleted && isOpenStatus(l.statusId))
        .map((l) => ({ id: l.id, name: l.name, price: l.price, url: `${baseUrl}/leads/detail/${l.id}` })),
    };
  });
  return { contact, full };
}

/** The whole client of a number, read now (no cache): the card's actions after creating a contact or deal. */
export function lookupCardClient(
  db: Db,
  amo: AmocrmClient,
  r: { tenantId: string; baseUrl: string; phone: string },
): Promise<CardClient> {
  return lookupCardClientStages(db, amo, r).full;
}

/** The responsible's name from the cached directory, or null when it has not seen that user yet. */
async function directoryUserName(db: Db, tenantId: string, amoUserId: number): Promise<string | null> {
  const [row] = await db
    .select({ name: amocrmUsers.name })
    .from(amocrmUsers)
    .where(and(eq(amocrmUsers.tenantId, tenantId), eq(amocrmUsers.amoUserId, amoUserId)));
  return row?.name ?? null;
}

/** amoCRM is asked only for a user the directory has not seen yet. */
async function amocrmUserName(amo: AmocrmClient, amoUserId: number): Promise<string | null> {
  const user = await amo.http
    .request("GET", `/api/v4/users/${amoUserId}`, z.object({ name: z.string() }))
    .catch(() => null);
  return user?.name ?? null;
}

/** Our previous call with this number (not this one): amoCRM's own call history is not searchable by phone. */
export async function lastCallWith(
  db: Db,
  { tenantId, phone, entryId }: { tenantId: string; phone: string; entryId: string },
): Promise<CardLastCall | null> {
  const [row] = await db
    .select()
    .from(calls)
    .where(
      and(
        eq(calls.tenantId, tenantId),
        // Sealed rows by the number's fingerprint, rows from before sealing by the number itself.
        or(eq(calls.clientPhoneLookup, callPhoneLookup(tenantId, phone)), eq(calls.clientPhone, phone)),
        ne(calls.entryId, entryId),
        isNotNull(calls.startedAt),
      ),
    )
    .orderBy(desc(calls.startedAt))
    .limit(1);
  if (!row?.startedAt) return null;
  return {
    at: row.startedAt.toISOString(),
    direction: row.direction,
    answered: row.answeredAt !== null || row.talkSeconds > 0,
    talkSeconds: row.talkSeconds,
  };
}
