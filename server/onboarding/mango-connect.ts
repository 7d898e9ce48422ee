import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditLog, mangoConnections } from "@/db/schema";
import { env } from "@/server/config/env";
import { syncMangoEmployees } from "@/server/directory/mango-sync";
import { createMangoClient } from "@/server/mango/api";
import { MangoError } from "@/server/mango/errors";
import { putSecret } from "@/server/secrets/store";

export type MangoConnectFailure = {
  ok: false;
  reason: "wrong_key" | "wrong_salt" | "locked" | "unreachable" | "other";
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

/**
 * Verifies a VPBX key and salt by reading the PBX's employees; only a verified pair is stored (sealed),
 * together with the employee list. A wrong key, a wrong salt or an unreachable API saves nothing.
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
  });
  let employees: Awaited<ReturnType<typeof client.getUsers>>;
  try {
    employees = await client.getUsers();
  } catch (err) {
    return failureOf(err);
  }
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await putSecret(t, { tenantId: input.tenantId, kind: "mango.api_key", value: apiKey });
    await putSecret(t, { tenantId: input.tenantId, kind: "mango.api_salt", value: salt });
    const values = {
      status: "connected" as const,
      keyHint: keyHint(apiKey),
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
      after: { keyHint: values.keyHint, employees: employees.length },
    });
  });
  await syncMangoEmployees(db, { tenantId: input.tenantId, employees });
  return { ok: true, employees: employees.length };
}

export async function getMangoConnection(db: Db, { tenantId }: { tenantId: string }) {
  const [row] = await db.select().from(mangoConnections).where(eq(mangoConnections.tenantId, tenantId));
  return row ?? null;
}

/** A correctly signed event arrived: the PBX really sends to us ("Проверить" turns green). */
export async function markMangoEventReceived(
  db: Db,
  { tenantId, at = new Date() }: { tenantId: string; at?: Date },
) {
  await db
    .update(mangoConnections)
    .set({ lastEventAt: at, firstEventAt: sql`coalesce(${mangoConnections.firstEventAt}, ${at})` })
    .where(and(eq(mangoConnections.tenantId, tenantId)));
}

/** Where the owner pastes our address in the MANGO cabinet; MANGO appends /events/<kind>, /result/<kind>. */
export const mangoWebhookUrl = (webhookKey: string) => `${env().APP_URL}/api/mango/${webhookKey}`;
