import { and, count, eq, lt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  amocrmAccountState,
  amocrmPipelines,
  mangoConnections,
  tenantSecrets,
  tenants,
  widgetTokenUses,
} from "@/db/schema";

/** The tenant of an amoCRM account: a widget token names the account, never the tenant. */
export async function getTenantByAmocrmAccount(db: Db, { accountId }: { accountId: number }) {
  const [row] = await db.select().from(tenants).where(eq(tenants.amocrmAccountId, accountId));
  return row ?? null;
}

/**
 * Spends a disposable token: true the first time its `jti` is seen for this tenant, false on a replay. Rows of
 * tokens that have expired anyway are swept on the way (a replay of those fails on its expiry).
 */
export async function consumeWidgetToken(
  db: Db,
  { tenantId, jti, expiresAt, now }: { tenantId: string; jti: string; expiresAt: Date; now: Date },
): Promise<boolean> {
  await db
    .delete(widgetTokenUses)
    .where(and(eq(widgetTokenUses.tenantId, tenantId), lt(widgetTokenUses.expiresAt, now)));
  const inserted = await db
    .insert(widgetTokenUses)
    .values({ tenantId, jti, expiresAt, usedAt: now })
    .onConflictDoNothing()
    .returning({ jti: widgetTokenUses.jti });
  return inserted.length === 1;
}

/**
 * Records the first time a widget page authenticated (the onboarding checklist's "widget installed": the
 * page inside amoCRM really got a session, not merely a click); later sessions keep the first date.
 */
export async function markWidgetInstalled(db: Db, { tenantId, at }: { tenantId: string; at: Date }) {
  await db
    .insert(amocrmAccountState)
    .values({ tenantId, widgetInstalledAt: at })
    .onConflictDoUpdate({
      target: amocrmAccountState.tenantId,
      set: {
        widgetInstalledAt: sql`coalesce(${amocrmAccountState.widgetInstalledAt}, excluded.widget_installed_at)`,
        updatedAt: sql`now()`,
      },
    });
}

export type WidgetStatus = {
  tenantName: string;
  subdomain: string;
  /** amoCRM: tokens present and the tenant active; else why not. */
  amocrm: "connected" | "needs_reconnect" | "disconnected";
  mango: "connected" | "failed" | "not_connected";
  mangoKeyHint: string | null;
  widgetInstalledAt: Date | null;
};

/** What the settings iframe shows: names and connection states only, no secret and no phone number. */
export async function getWidgetStatus(
  db: Db,
  { tenantId }: { tenantId: string },
): Promise<WidgetStatus | null> {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
  if (!tenant) return null;
  const [tokens] = await db
    .select({ n: count() })
    .from(tenantSecrets)
    .where(and(eq(tenantSecrets.tenantId, tenantId), eq(tenantSecrets.kind, "amocrm.tokens")));
  const [mango] = await db.select().from(mangoConnections).where(eq(mangoConnections.tenantId, tenantId));
  const [state] = await db.select().from(amocrmAccountState).where(eq(amocrmAccountState.tenantId, tenantId));
  const hasTokens = Number(tokens?.n ?? 0) > 0;
  return {
    tenantName: tenant.name,
    subdomain: tenant.amocrmSubdomain,
    amocrm:
      tenant.status === "active" && hasTokens
        ? "connected"
        : tenant.status === "needs_reconnect"
          ? "needs_reconnect"
          : "disconnected",
    mango: mango?.status ?? "not_connected",
    mangoKeyHint: mango?.keyHint ?? null,
    widgetInstalledAt: state?.widgetInstalledAt ?? null,
  };
}

/** Names of a pipeline and stage from the tenant's cached directory; the ids themselves when not cached. */
export async function getStageNames(
  db: Db,
  { tenantId, pipelineId, statusId }: { tenantId: string; pipelineId: number; statusId: number | null },
): Promise<{ pipeline: string; status: string | null }> {
  const [row] = await db
    .select({ name: amocrmPipelines.name, statuses: amocrmPipelines.statuses })
    .from(amocrmPipelines)
    .where(and(eq(amocrmPipelines.tenantId, tenantId), eq(amocrmPipelines.pipelineId, pipelineId)));
  const statuses = Array.isArray(row?.statuses) ? (row.statuses as { id?: number; name?: string }[]) : [];
  const status =
    statusId === null ? null : (statuses.find((s) => s.id === statusId)?.name ?? String(statusId));
  return { pipeline: row?.name ?? String(pipelineId), status };
}
