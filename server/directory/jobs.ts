import { and, eq, isNull, lt, or } from "drizzle-orm";
import { z } from "zod";
import { amocrmAccountState, tenantSecrets, tenants } from "@/db/schema";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { TenantNeedsReconnectError } from "@/server/connections/amocrm-tokens";
import { defineJob, SkipJobError } from "@/server/jobs/define";
import { getTenant } from "@/server/tenancy/queries";
import { DIRECTORY_STALE_MS, syncAmocrmDirectory } from "./amocrm-sync";

/** Re-reads one tenant's amoCRM users and pipelines. */
export const syncDirectory = defineJob({
  id: "amocrm.sync-directory",
  title: "Обновление пользователей и воронок amoCRM",
  payload: z.object({}),
  options: { retries: 3, concurrency: { limit: 1 } },
  handler: async (_p, { db, tenantId }) => {
    const tenant = tenantId ? await getTenant(db, { tenantId }) : null;
    if (!tenant) return { status: "skipped", reason: "аккаунт не найден" };
    try {
      const res = await syncAmocrmDirectory(db, { tenantId: tenant.id, client: amocrmClientFor(db, tenant) });
      return { status: "done", result: res };
    } catch (err) {
      if (err instanceof TenantNeedsReconnectError) throw new SkipJobError(err.message);
      throw err;
    }
  },
});

/** Hourly: every active tenant whose cached directory is older than six hours gets a refresh. */
export const refreshStaleDirectories = defineJob({
  id: "amocrm.refresh-stale-directories",
  title: "Поиск устаревших справочников amoCRM",
  payload: z.object({}),
  options: { cron: "17 * * * *", retries: 1 },
  handler: async (_p, { db, queue }) => {
    const staleBefore = new Date(Date.now() - DIRECTORY_STALE_MS);
    const rows = await db
      .select({ id: tenants.id })
      .from(tenants)
      .innerJoin(
        tenantSecrets,
        and(eq(tenantSecrets.tenantId, tenants.id), eq(tenantSecrets.kind, "amocrm.tokens")),
      )
      .leftJoin(amocrmAccountState, eq(amocrmAccountState.tenantId, tenants.id))
      .where(
        and(
          eq(tenants.status, "active"),
          or(
            isNull(amocrmAccountState.directorySyncedAt),
            lt(amocrmAccountState.directorySyncedAt, staleBefore),
          ),
        ),
      );
    const hour = new Date().toISOString().slice(0, 13);
    for (const r of rows)
      await queue.enqueue(syncDirectory, {}, { tenantId: r.id, idempotencyKey: `stale:${hour}` });
    return { status: "done", result: { tenants: rows.length } };
  },
});
