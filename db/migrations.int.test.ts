import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { type DbHandle, migrateDb, openDb, rowsOf } from "@/db/client";
import { createTestDb } from "@/test/db";

async function shape(handle: DbHandle) {
  const rows = rowsOf<{ table_name: string; column_name: string; data_type: string }>(
    await handle.db.execute(sql`
      select table_name, column_name, data_type from information_schema.columns
      where table_schema = 'public' order by table_name, column_name`),
  );
  return rows.map((r) => `${r.table_name}.${r.column_name}:${r.data_type}`);
}

describe("migrations", () => {
  it("apply the same schema on PGlite (embedded) and on PostgreSQL", async () => {
    const lite = await openDb({});
    await migrateDb(lite);
    const pg = await createTestDb();
    try {
      const [a, b] = [await shape(lite), await shape(pg)];
      expect(a.length).toBeGreaterThan(40);
      expect(a).toEqual(b);
      expect(a).toContain("job_runs.idempotency_key:text");
      // Applying again is a no-op on both.
      await migrateDb(lite);
      await migrateDb(pg);
      expect(await shape(lite)).toEqual(a);
    } finally {
      await lite.close();
      await pg.drop();
    }
  });
});
