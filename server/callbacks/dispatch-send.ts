// One auto-callback command to MANGO, sent once per attempt after the dispatcher's transaction (dispatch.ts).
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { callbackAttempts, callbackQueue } from "@/db/schema";
import { mangoClientFor } from "@/server/connections/mango";
import { logger } from "@/server/log/logger";
import type { CallbackGroupInput, CallbackInput } from "@/server/mango/api";
import { MangoError } from "@/server/mango/errors";
import { type Candidate, itemWhere } from "./dispatch-candidates";

/** What the dispatcher needs of a tenant's MANGO client (tests hand in one on the emulator). */
export type CallbackMango = {
  callback(input: CallbackInput): Promise<unknown>;
  callbackGroup(input: CallbackGroupInput): Promise<unknown>;
};

/** How the dispatcher gets the tenant's MANGO client; by default the app's, with MANGO's shared budgets. */
export type MangoForTenant = (db: Db, tenant: { tenantId: string }) => Promise<CallbackMango>;

export const defaultMangoForTenant: MangoForTenant = (db, { tenantId }) => mangoClientFor(db, { tenantId });

/**
 * The MANGO command id of an item's attempt: stable for the attempt (result/callback and every events/call
 * of the call carry it back), new for another attempt. 4 + 36 + 1 + digits ≤ 128 bytes.
 */
export const callbackCommandId = (itemId: string, attempt: number) => `acb-${itemId}-${attempt}`;

export type SendOutcome = "accepted" | "refused" | "unknown" | "deferred";

/**
 * Attempts of an item at most. Only a transient "MANGO did nothing" (its rate limit, the 2-minute lock-out,
 * an overload refusal, a connection that never opened) gives an item another attempt — at a later slot,
 * with a new command id — and not forever: a MANGO down for longer fails the item on the last one.
 */
export const MAX_CALLBACK_ATTEMPTS = 3;

const TRANSIENT_KINDS = new Set(["rate_limit", "locked", "server", "unavailable"]);

/** The command of one attempt, sent once; the item and its attempt row say what MANGO answered. */
export async function sendCommand(
  db: Db,
  mango: MangoForTenant,
  o: { tenantId: string; c: Candidate; phone: string; commandId: string; now: Date },
): Promise<SendOutcome> {
  const { tenantId, c, phone, commandId, now } = o;
  const current = and(
    itemWhere(tenantId, c.id),
    eq(callbackQueue.state, "dialing"),
    eq(callbackQueue.commandId, commandId),
  );
  try {
    const client = await mango(db, { tenantId });
    if (c.target_type === "group")
      await client.callbackGroup({
        commandId,
        from: c.target_extension,
        to: phone,
        lineNumber: c.line_number!,
      });
    else
      await client.callback({
        commandId,
        fromExtension: c.target_extension,
        toNumber: phone,
        lineNumber: c.line_number ?? undefined,
      });
    return "accepted";
  } catch (err) {
    if (err instanceof MangoError && err.outcomeUnknown) {
      // MANGO may have started the call: never sent again; result/callback or the expiry settles it.
      await db
        .update(callbackQueue)
        .set({ reason: "Исход команды неизвестен — ждём ответа MANGO (result/callback)" })
        .where(current);
      return "unknown";
    }
    // MANGO did nothing: it refused with its code, or the command never left (not connected, no connection).
    const code = err instanceof MangoError ? err.code : null;
    const attempt = and(eq(callbackAttempts.tenantId, tenantId), eq(callbackAttempts.commandId, commandId));
    if (
      err instanceof MangoError &&
      err.retrySafe &&
      TRANSIENT_KINDS.has(err.kind) &&
      c.attempts + 1 < MAX_CALLBACK_ATTEMPTS
    ) {
      // Not this call's refusal but MANGO's state: the item waits for a later slot (its queue place kept).
      await db
        .update(callbackQueue)
        .set({ state: "queued", reason: `MANGO не принял команду (${err.humanMessage}) — позвоним ещё раз` })
        .where(current);
      await db.update(callbackAttempts).set({ resultCode: code, finishedAt: now }).where(attempt);
      return "deferred";
    }
    const what =
      err instanceof MangoError ? err.humanMessage : err instanceof Error ? err.message : String(err);
    const reason =
      code !== null ? `MANGO отказал в звонке: код ${code} — ${what}` : `Звонок не отправлен: ${what}`;
    if (!(err instanceof MangoError))
      logger.warn({ tenantId, itemId: c.id, err: String(err) }, "auto-callback not sent");
    await db
      .update(callbackQueue)
      .set({ state: "failed", finishedAt: now, resultCode: code, reason })
      .where(current);
    await db.update(callbackAttempts).set({ resultCode: code, finishedAt: now }).where(attempt);
    return "refused";
  }
}
