import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { tenants } from "@/db/schema";
import { recordActivity } from "@/server/activity/record";
import { withLease } from "@/server/leases/lease";
import { getSecret, putSecret } from "@/server/secrets/store";

export const amocrmTokensSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  /** epoch ms */
  expiresAt: z.number(),
});
export type AmocrmTokens = z.infer<typeof amocrmTokensSchema>;

/** amoCRM refused the refresh token: only the account owner signing in again can fix it. */
export class TenantNeedsReconnectError extends Error {
  override name = "TenantNeedsReconnectError";
}

/** Thrown by the refresh callback when amoCRM answers that the refresh token is no longer valid. */
export class RefreshRejectedError extends Error {
  override name = "RefreshRejectedError";
}

const EXPIRY_SKEW_MS = 60_000;

export async function saveAmocrmTokens(
  db: Db,
  { tenantId, tokens }: { tenantId: string; tokens: AmocrmTokens },
) {
  await putSecret(db, {
    tenantId,
    kind: "amocrm.tokens",
    value: JSON.stringify(amocrmTokensSchema.parse(tokens)),
  });
}

export async function readAmocrmTokens(
  db: Db,
  { tenantId }: { tenantId: string },
): Promise<AmocrmTokens | null> {
  const raw = await getSecret(db, { tenantId, kind: "amocrm.tokens" });
  return raw ? amocrmTokensSchema.parse(JSON.parse(raw)) : null;
}

/**
 * A valid access token for the tenant. An expired one is refreshed under a per-tenant lease
 * (server/leases/lease.ts), re-reading the tokens once it is held: concurrent callers, in any process, cause
 * exactly one refresh, and amoCRM's single-use refresh token is never sent twice. No transaction or advisory
 * lock is open while amoCRM's token endpoint answers; the new pair is saved in one statement. A refused refresh marks the tenant
 * "needs reconnect" (which pauses its background work) and throws TenantNeedsReconnectError.
 */
export async function getFreshAccessToken(
  db: Db,
  opts: {
    tenantId: string;
    refresh: (refreshToken: string) => Promise<AmocrmTokens>;
    now?: () => number;
    force?: boolean;
    /**
     * With `force`: the access token amoCRM just answered 401 to. Another client (process, request) may
     * have refreshed since; then its newer token is used instead of spending a second refresh.
     */
    staleToken?: string;
  },
): Promise<string> {
  const now = opts.now ?? Date.now;
  const current = await readAmocrmTokens(db, opts);
  if (!current) throw new TenantNeedsReconnectError("amoCRM не подключена: нет токенов");
  if (!opts.force && current.expiresAt - EXPIRY_SKEW_MS > now()) return current.accessToken;
  const replaced = (t: AmocrmTokens) => opts.staleToken !== undefined && t.accessToken !== opts.staleToken;
  if (replaced(current)) return current.accessToken;

  const outcome = await withLease(db, `amocrm-refresh:${opts.tenantId}`, async () => {
    const latest = await readAmocrmTokens(db, opts);
    if (!latest) return { ok: false, error: "amoCRM не подключена: нет токенов" } as const;
    // Someone refreshed while we waited for the lease: use theirs.
    if (latest.refreshToken !== current.refreshToken || replaced(latest))
      return { ok: true, token: latest.accessToken } as const;
    try {
      const next = await opts.refresh(latest.refreshToken);
      await saveAmocrmTokens(db, { tenantId: opts.tenantId, tokens: next });
      return { ok: true, token: next.accessToken } as const;
    } catch (err) {
      if (!(err instanceof RefreshRejectedError)) throw err;
      return { ok: false, error: `amoCRM отклонила обновление доступа: ${err.message}` } as const;
    }
  });
  if (outcome.ok) return outcome.token;
  await markNeedsReconnect(db, { tenantId: opts.tenantId, reason: outcome.error });
  throw new TenantNeedsReconnectError(outcome.error);
}

export async function markNeedsReconnect(db: Db, { tenantId, reason }: { tenantId: string; reason: string }) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(tenants)
      .set({ status: "needs_reconnect" })
      .where(eq(tenants.id, tenantId))
      .returning({ id: tenants.id });
    if (!row) return;
    await recordActivity(tx as unknown as Db, {
      tenantId,
      source: "job",
      sourceId: crypto.randomUUID(),
      kind: "amocrm.reconnect_needed",
      status: "failed",
      reason,
    });
  });
}
