import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditLog, mangoConnections } from "@/db/schema";
import { env } from "@/server/config/env";
import { refreshMangoGroups, syncMangoEmployees } from "@/server/directory/mango-sync";
import { createMangoClient } from "@/server/mango/api";
import { MangoError } from "@/server/mango/errors";
import { mangoRateLimiter } from "@/server/ratebudget/mango";
import { secretFingerprint } from "@/server/secrets/fingerprint";
import { putSecret } from "@/server/secrets/store";

export type MangoConnectFailure = {
  ok: false;
  reason: "wrong_key" | "wrong_salt" | "locked" | "unreachable" | "in_use" | "other";
  message: string;
};
export type MangoConnectResult = { ok: true; employees: number } | MangoConnectFailure;

const keyHint = (key: string) => (key.length <= 8 ? "••••" : `${key.slice(0, 4)}…${key.slice(-4)}`);

function failureOf(err: unknown): MangoConnectFailure {
  if (!(err instanceof MangoError)) {
    return { ok: false, reason: "unreachable", message: "API MANGO OFFICE недоступен" };
  }
  const reason =
    err.kind === "auth"
      ? "wrong_key"
      : err.kind === "signature"
        ? "wrong_salt"
        : err.kind === "locked"
          ? "locked"
          : err.kind === "server" || err.kind === "unavailable" || err.kind === "rate_limit"
            ? "unreachable"
            : "other";
  const message =
    reason === "locked"
      ? "MANGO OFFICE временно заблокировала ключ после неверных запросов. Повторите через 2 минуты."
      : err.humanMessage;
  return { ok: false, reason, message };
}

/** A PBX posts its events to one address: connecting it to a second tenant would silence the first. */
export const MANGO_KEY_IN_USE_MESSAGE =
  "Эта АТС MANGO OFFICE уже подключена к другой компании в Amango. Сначала отключите её там " +
  "(«Обзор» → MANGO OFFICE → «Отключить АТС»), затем подключите здесь.";

class MangoKeyInUse extends Error {}

/** The unique fingerprint index refused the row: another tenant holds this PBX (a lost race included). */
function isFingerprintTaken(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const pg = e as { code?: unknown; constraint?: unknown; message?: unknown };
    if (pg.code === "23505" && String(pg.constraint ?? pg.message).includes("key_fingerprint")) return true;
  }
  return false;
}

/**
 * Verifies a VPBX key and salt by reading the PBX's employees; only a verified pair is stored (sealed),
 * together with the employee list. A wrong key, a wrong salt or an unreachable API saves nothing, and so
 * does a PBX another tenant holds (only a verified key and salt learn that): the unique fingerprint index
 * decides, so of two tenants connecting one PBX at once exactly one wins. The same tenant may reconnect it.
 */
export async function connectMango(
  db: Db,
  input: { tenantId: string; actorUserId: string | null; apiKey: string; salt: string },
  opts: { baseUrl?: string } = {},
): Promise<MangoConnectResult> {
  const apiKey = input.apiKey.trim();
  const salt = input.salt.trim();
  const client = createMangoClient({
    baseUrl: opts.baseUrl ?? env().MANGO_API_URL,
    apiKey,
    salt,
    maxRetries: 1,
    rateLimiter: mangoRateLimiter(db, input.tenantId),
  });
  let employees: Awaited<ReturnType<typeof client.getUsers>>;
  try {
    employees = await client.getUsers();
  } catch (err) {
    return failureOf(err);
  }
  const keyFingerprint = secretFingerprint("mango.api_key", apiKey);
  try {
    await saveConnection(db, { ...input, apiKey, salt, keyFingerprint, employees: employees.length });
  } catch (err) {
    if (err instanceof MangoKeyInUse || isFingerprintTaken(err))
      return { ok: false, reason: "in_use", message: MANGO_KEY_IN_USE_MESSAGE };
    throw err;
  }
  await syncMangoEmployees(db, { tenantId: input.tenantId, employees });
  await refreshMangoGroups(db, input.tenantId, () => client.getGroups());
  return { ok: true, employees: employees.length };
}

async function saveConnection(
  db: Db,
  input: {
    tenantId: string;
    actorUserId: string | null;
    apiKey: string;
    salt: string;
    keyFingerprint: string;
    employees: number;
  },
) {
  const { apiKey, salt, keyFingerprint } = input;
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    // The friendly check; the unique index is what holds under a race.
    const [holder] = await t
      .select({ tenantId: mangoConnections.tenantId })
      .from(mangoConnections)
      .where(eq(mangoConnections.keyFingerprint, keyFingerprint));
    if (holder && holder.tenantId !== input.tenantId) throw new MangoKeyInUse();
    await putSecret(t, { tenantId: input.tenantId, kind: "mango.api_key", value: apiKey });
    await putSecret(t, { tenantId: input.tenantId, kind: "mango.api_salt", value: salt });
    const values = {
      status: "connected" as const,
      keyHint: keyHint(apiKey),
      keyFingerprint,
      verifiedAt: new Date(),
      lastError: null,
    };
    await t
      .insert(mangoConnections)
      .values({ tenantId: input.tenantId, ...values })
      .onConflictDoUpdate({ target: mangoConnections.tenantId, set: values });
    await t.insert(auditLog).values({
      tenantId: input.tenantId,
      actorUserId: input.actorUserId,
      action: "mango.connect",
      target: "mango",
      after: { keyHint: values.keyHint, employees: input.employees },
    });
  });
}

export async function getMangoConnection(db: Db, { tenantId }: { tenantId: string }) {
  const [row] = await db.select().from(mangoConnections).where(eq(mangoConnections.tenantId, tenantId));
  return row ?? null;
}

const LAST_EVENT_RESOLUTION_MS = 5_000;

/** A correctly signed event arrived: the PBX really sends to us ("Проверить" turns green). */
export async function markMangoEventReceived(
  db: Db,
  { tenantId, at = new Date() }: { tenantId: string; at?: Date },
) {
  await db
    .update(mangoConnections)
    .set({ lastEventAt: at, firstEventAt: sql`coalesce(${mangoConnections.firstEventAt}, ${at})` })
    .where(
      and(
        eq(mangoConnections.tenantId, tenantId),
        // A burst's events all stamp this one row: within a few seconds of the last stamp the stamp stands
        // (the "events arriving" check reads minutes), so parallel runs do not queue on its row lock.
        or(
          isNull(mangoConnections.lastEventAt),
          lt(mangoConnections.lastEventAt, new Date(at.getTime() - LAST_EVENT_RESOLUTION_MS)),
        ),
      ),
    );
}

/** Where the owner pastes our address in the MANGO cabinet; MANGO appends /events/<kind>, /result/<kind>. */
export const mangoWebhookUrl = (webhookKey: string) => `${env().APP_URL}/api/mango/${webhookKey}`;
