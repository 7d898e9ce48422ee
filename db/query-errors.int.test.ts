import { inspect } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenants } from "@/db/schema";
import { createTestDb, type TestDb } from "@/test/db";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

const PHONE = "79991234567";
const KEY = "webhook-key-9f2c41";

async function failure(run: () => Promise<unknown>): Promise<Error & { cause?: unknown }> {
  try {
    await run();
  } catch (err) {
    return err as Error;
  }
  throw new Error("the query did not fail");
}

/** Every way Next.js or a log could print the error. */
const printed = (err: Error) =>
  [String(err), err.message, err.stack ?? "", inspect(err, { depth: 5 })].join("\n");

describe("a failed query carries no parameters", () => {
  it("hides the values of a refused cast, keeping the SQL and PostgreSQL's code", async () => {
    const err = await failure(() => t.db.execute(sql`select ${PHONE}::uuid as id`));
    const text = printed(err);
    expect(text).not.toContain(PHONE);
    expect(err.message).toBe("Failed query: select $1::uuid as id\nparams: [1 hidden]");
    expect((err.cause as { code?: string }).code).toBe("22P02");
    expect((err.cause as Error).message).toBe('invalid input syntax for type uuid: "…"');
  });

  it("hides the values a unique violation's detail quotes", async () => {
    const tenant = { amocrmSubdomain: "q", amocrmBaseUrl: "http://q", name: "Q", webhookKey: KEY };
    await t.db.insert(tenants).values({ ...tenant, amocrmAccountId: 91 });
    const err = await failure(() => t.db.insert(tenants).values({ ...tenant, amocrmAccountId: 92 }));
    const text = printed(err);
    expect(text).not.toContain(KEY);
    expect(text).toContain("params: [");
    expect(err.cause).toMatchObject({
      code: "23505",
      constraint: "tenants_webhook_key_unique",
      detail: "[hidden]",
    });
  });
});
