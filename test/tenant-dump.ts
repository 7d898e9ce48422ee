import { is, type SQL, sql } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { type Db, rowsOf } from "@/db/client";
import * as schema from "@/db/schema";

/**
 * Every row of one tenant, table by table, as PostgreSQL serializes it (`row_to_json`, sorted): two dumps
 * are equal only if not a byte of the tenant's data changed. The tables are read from db/schema, so a new
 * tenant-scoped table is dumped without editing this file; a table without `tenant_id` must say here how a
 * tenant's rows are found in it, or `tenantTables()` throws.
 */
export type TenantDump = Record<string, string[]>;

const OWNED_ELSEWHERE: Record<string, (tenantId: string) => SQL> = {
  tenants: (tenantId) => sql`id = ${tenantId}`,
  users: (tenantId) => sql`id in (select user_id from memberships where tenant_id = ${tenantId})`,
  // Lease keys name their tenant: `<purpose>:<tenantId>[:<more>]` (server/leases).
  leases: (tenantId) => sql`key like ${`%:${tenantId}`} or key like ${`%:${tenantId}:%`}`,
  // MANGO budgets name their tenant; an amoCRM budget is its account's (server/ratebudget).
  rate_budgets: (tenantId) =>
    sql`key like ${`mango:${tenantId}:%`} or key in (select 'amocrm:' || rtrim(lower(amocrm_base_url), '/') from tenants where id = ${tenantId})`,
};

const allTables = () =>
  (Object.values(schema) as unknown[])
    .filter((value): value is PgTable => is(value, PgTable))
    .map((table) => getTableConfig(table));

/** Table name → the condition selecting one tenant's rows. */
export function tenantTables(): Map<string, (tenantId: string) => SQL> {
  const out = new Map<string, (tenantId: string) => SQL>();
  for (const config of allTables()) {
    if (config.columns.some((c) => c.name === "tenant_id"))
      out.set(config.name, (tenantId) => sql`tenant_id = ${tenantId}`);
    else if (OWNED_ELSEWHERE[config.name]) out.set(config.name, OWNED_ELSEWHERE[config.name]!);
    else throw new Error(`${config.name}: no tenant_id; say in test/tenant-dump.ts whose rows it holds`);
  }
  return out;
}

export async function dumpTenant(db: Db, tenantId: string): Promise<TenantDump> {
  const dump: TenantDump = {};
  for (const [name, where] of tenantTables()) {
    const result = await db.execute(
      sql`select row_to_json(t)::text as row from ${sql.identifier(name)} t where ${where(tenantId)} order by 1`,
    );
    dump[name] = rowsOf<{ row: string }>(result).map((r) => r.row);
  }
  return dump;
}

/** Every uuid in the tenant's rows (ids, foreign keys): none may appear in what another tenant is answered. */
export function uuidsOf(dump: TenantDump): Set<string> {
  const text = Object.values(dump).flat().join("\n");
  return new Set(text.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? []);
}
