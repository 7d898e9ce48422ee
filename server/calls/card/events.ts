import type { Db } from "@/db/client";
import type { Tenant } from "@/db/schema";
import type { AmocrmClient } from "@/server/amocrm";
import { campaignTaskOf } from "@/server/calls/write/decide";
import { usersOfExtensions } from "@/server/employees/queries";
import { loggerFor } from "@/server/log/logger";
import { callEventSchema } from "@/server/mango/event-types";
import { toCallEvent } from "@/server/mango/events";
import { processHub } from "@/server/realtime/process-hub";
import {
  type CardCampaign,
  campaignCardSettings,
  cardCampaignOf,
  emptyCampaign,
  openDealUrlOf,
} from "./campaign";
import { type CallCard, type CardClient, type CardState, cardClientStagesOf, lastCallWith } from "./card";

export const cardHub = () => processHub<CallCard>("call-cards");

const STATE_OF: Record<string, CardState> = {
  Appeared: "ringing",
  Connected: "answered",
  Disconnected: "ended",
};
const RANK: Record<CardState, number> = { ringing: 0, answered: 1, ended: 2 };
/** A call's record outlives any ring; after this it is forgotten (a late action then looks it up again). */
const CALL_TTL_MS = 15 * 60_000;

type Leg = { amoUserId: number; extension: string; state: CardState };
type LiveCall = {
  tenant: Pick<Tenant, "id" | "amocrmBaseUrl">;
  entryId: string;
  phone: string;
  line: string | null;
  legs: Map<string, Leg>;
  client: CardClient | null;
  lastCall: CallCard["lastCall"];
  /** A campaign call's task and what MANGO says about it; `openDeal`: the new-tab setting was on. */
  campaign: CardCampaign | null;
  openDeal: boolean;
  /** Fixed once the lookup is done: a deal created from the card later opens nothing by itself. */
  openDealUrl: string | null;
  /** A campaign call's client leg (call_id) → the operator's leg it was taken from (MANGO's callback flow). */
  bridged: Map<string, string>;
  lookup: Promise<void> | null;
  expires: number;
};

const live = new Map<string, LiveCall>();
const liveKey = (tenantId: string, entryId: string) => `${tenantId}:${entryId}`;

export type CardEventDeps = { now?: number; clientFor?: (db: Db) => AmocrmClient };

/** The amoCRM user paired with an extension (employee still in the PBX), or null. */
export async function userOfExtension(db: Db, tenantId: string, extension: string): Promise<number | null> {
  return (await usersOfExtensions(db, { tenantId, extensions: [extension] })).get(extension) ?? null;
}

function cardOf(call: LiveCall, leg: Leg): CallCard {
  return {
    entryId: call.entryId,
    state: leg.state,
    phone: call.phone,
    line: call.line,
    extension: leg.extension,
    lookup: call.client ? "done" : "pending",
    client: call.client,
    lastCall: call.lastCall,
    campaign: call.campaign,
    ...(call.openDealUrl ? { openDealUrl: call.openDealUrl } : {}),
  };
}

function publishLeg(call: LiveCall, leg: Leg): number {
  return cardHub().publish({ tenantId: call.tenant.id, amoUserId: leg.amoUserId }, cardOf(call, leg));
}

/**
 * Handles one verified `events/call`. Returns what it did (for tests and logs). Events out of order or
 * repeated never move a leg backwards: a late Appeared after Disconnected changes nothing.
 */
export async function onCallEventForCards(
  db: Db,
  tenant: Pick<Tenant, "id" | "amocrmBaseUrl">,
  wire: unknown,
  deps: CardEventDeps = {},
): Promise<{ published: number; reason?: string }> {
  const parsed = callEventSchema.safeParse(wire);
  if (!parsed.success) return { published: 0, reason: "not a call event" };
  const e = toCallEvent(parsed.data);
  const state = STATE_OF[e.state];
  if (state && e.from.extension) return followClientLeg(tenant.id, e, state);
  const extension = e.to.extension;
  // Incoming legs only: an employee's extension is rung by an outside number (outgoing and internal calls
  // are placed by the employee, who knows whom they call). A campaign autocall rings the operator first,
  // with the client's number as the caller: that leg is one of these too.
  if (!state || !extension || e.from.extension || !e.from.phone) return { published: 0, reason: "no card" };
  const now = deps.now ?? Date.now();
  for (const [k, v] of live) if (v.expires <= now) live.delete(k);

  const key = liveKey(tenant.id, e.entryId);
  let call = live.get(key);
  const known = call?.legs.get(e.callId);
  if (known && RANK[known.state] >= RANK[state]) return { published: 0, reason: "already shown" };
  const amoUserId = known?.amoUserId ?? (await userOfExtension(db, tenant.id, extension));
  if (amoUserId === null) return { published: 0, reason: "extension not mapped" };
  // Nobody of that user has a tab open on any instance: no card, and no amoCRM lookup for nobody.
  if (!known && !(await cardHub().watched({ tenantId: tenant.id, amoUserId })))
    return { published: 0, reason: "no open tab" };

  // §2.4: a Contact Center campaign call gets a card only with «Интеграция с Контакт-центром» on.
  const taskId = campaignTaskOf({ ccTaskId: e.taskId, callbackInitiator: e.callbackInitiator });
  let openDeal = false;
  if (!call && taskId !== null) {
    const cc = await campaignCardSettings(db, tenant.id);
    if (!cc.enabled) return { published: 0, reason: "contact center off" };
    openDeal = cc.openDealInNewTab;
  }

  // Another leg of the call may have been stored while this one was being resolved.
  call = live.get(key) ?? {
    tenant,
    entryId: e.entryId,
    phone: e.from.phone,
    line: e.lineNumber,
    legs: new Map(),
    client: null,
    lastCall: null,
    campaign: taskId === null ? null : emptyCampaign(taskId),
    openDeal,
    openDealUrl: null,
    bridged: new Map(),
    lookup: null,
    expires: now + CALL_TTL_MS,
  };
  live.set(key, call);
  // A campaign autocall rings the operator first; once answered, that leg ends (1000) and the talk goes on
  // on the client's leg, taken from it: the card stays «answered» until that leg ends.
  if (
    known &&
    state === "ended" &&
    call.campaign &&
    e.disconnectReason === 1000 &&
    known.state === "answered"
  )
    return { published: 0, reason: "bridged to the client" };
  const leg: Leg = { amoUserId, extension, state };
  call.legs.set(e.callId, leg);
  const published = publishLeg(call, leg);
  call.lookup ??= lookUp(db, call, deps);
  return { published };
}

/** The client's leg of a campaign call (`from` = the operator, taken from the operator's leg) moves that card. */
function followClientLeg(
  tenantId: string,
  e: ReturnType<typeof toCallEvent>,
  state: CardState,
): { published: number; reason?: string } {
  const call = live.get(liveKey(tenantId, e.entryId));
  if (!call?.campaign) return { published: 0, reason: "no card" };
  const from = e.from.takenFromCallId;
  if (from && call.legs.has(from)) call.bridged.set(e.callId, from);
  const leg = call.legs.get(call.bridged.get(e.callId) ?? "");
  if (!leg) return { published: 0, reason: "no card" };
  if (RANK[leg.state] >= RANK[state]) return { published: 0, reason: "already shown" };
  leg.state = state;
  return { published: publishLeg(call, leg) };
}

const UNAVAILABLE: CardClient = {
  status: "unavailable",
  contact: null,
  company: null,
  responsible: null,
  leads: [],
};

/**
 * Fills the card in, re-sending every leg in its current state (which may have moved meanwhile): first as
 * soon as amoCRM's contacts search answered (one request: the card shows who is calling), then again once
 * the contact's deals and company are read, if it has any.
 */
async function lookUp(db: Db, call: LiveCall, deps: CardEventDeps): Promise<void> {
  const taskId = call.campaign?.taskId;
  const failed = (err: unknown) => {
    loggerFor({ tenantId: call.tenant.id }).warn({ err: String(err) }, "call card: amoCRM lookup failed");
    return UNAVAILABLE;
  };
  const stages = cardClientStagesOf(db, call.tenant, call.phone, deps);
  const [contact, lastCall, campaign] = await Promise.all([
    stages.contact.catch(failed),
    lastCallWith(db, { tenantId: call.tenant.id, phone: call.phone, entryId: call.entryId }).catch(
      () => null,
    ),
    taskId === undefined ? null : cardCampaignOf(db, call.tenant.id, taskId),
  ]);
  call.lastCall = lastCall;
  if (campaign) call.campaign = campaign;
  const show = (client: CardClient) => {
    call.client = client;
    if (call.openDeal) call.openDealUrl = openDealUrlOf(client);
    for (const leg of call.legs.values()) publishLeg(call, leg);
  };
  show(contact);
  if (contact.details === "pending") show(await stages.full.catch(failed));
}

/** Waits for the call's lookup (tests, and an action that needs the card filled in). */
export async function settledCard(tenantId: string, entryId: string): Promise<void> {
  await live.get(liveKey(tenantId, entryId))?.lookup;
}

/** The live call as one user sees it, if that user's extension rang in it. */
export function liveCallFor(tenantId: string, entryId: string, amoUserId: number) {
  const call = live.get(liveKey(tenantId, entryId));
  const leg = call && [...call.legs.values()].find((l) => l.amoUserId === amoUserId);
  return call && leg ? { phone: call.phone, card: cardOf(call, leg) } : null;
}

/** After a contact or deal was created from the card: the new client goes to every tab of the call. */
export function replaceCardClient(tenantId: string, entryId: string, client: CardClient): void {
  const call = live.get(liveKey(tenantId, entryId));
  if (!call) return;
  call.client = client;
  for (const leg of call.legs.values()) publishLeg(call, leg);
}
