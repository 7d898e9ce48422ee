import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { buildKeyring } from "@/server/crypto/envelope";
import { createTenant } from "@/server/tenancy/queries";
import { createTestDb, type TestDb } from "@/test/db";
import { getSecret, putSecret } from "./store";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

describe("tenant secrets at rest", () => {
  it("round-trips and a dump of every table finds no plaintext secret", async () => {
    const ring = buildKeyring("k1", randomBytes(32).toString("base64"));
    const tenant = await createTenant(t.db, {
      amocrmAccountId: 9,
      amocrmSubdomain: "s",
      amocrmBaseUrl: "http://s",
      name: "S",
    });
    const plaintexts = {
      "mango.api_key": "vpbx-key-PLAINTEXT-7f3a9",
      "mango.api_salt": "vpbx-salt-PLAINTEXT-c41e",
      "amocrm.tokens": JSON.stringify({
        access_token: "eyJ-access-PLAINTEXT",
        refresh_token: "def-refresh-PLAINTEXT",
      }),
    } as const;
    for (const [kind, value] of Object.entries(plaintexts)) {
      await putSecret(t.db, { tenantId: tenant.id, kind: kind as keyof typeof plaintexts, value }, ring);
    }
    for (const [kind, value] of Object.entries(plaintexts)) {
      expect(
        await getSecret(t.db, { tenantId: tenant.id, kind: kind as keyof typeof plaintexts }, ring),
      ).toBe(value);
    }

    const tables = rowsOf<{ table_name: string }>(
      await t.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public'`),
    ).map((r) => r.table_name);
    expect(tables).toContain("tenant_secrets");
    let dump = "";
    for (const table of tables) {
      const rows = rowsOf<Record<string, unknown>>(await t.db.execute(sql.raw(`select * from "${table}"`)));
      dump += JSON.stringify(rows);
    }
    expect(dump).toContain(tenant.id); // the dump really holds the tenant's rows
    expect(dump).not.toContain("PLAINTEXT");
  });
});
