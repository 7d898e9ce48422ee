import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activityLog, tenants } from "@/db/schema";
import { createTenant } from "@/server/tenancy/queries";
import { createTestDb, type TestDb } from "@/test/db";
import {
  type AmocrmTokens,
  getFreshAccessToken,
  RefreshRejectedError,
  readAmocrmTokens,
  saveAmocrmTokens,
  TenantNeedsReconnectError,
} from "./amocrm-tokens";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

const NOW = Date.parse("2026-11-25T12:00:00Z");

/** Stands in for amoCRM's token endpoint: each refresh token works once, as amoCRM's do. */
function singleUseRefresher(start: string) {
  const valid = new Set([start]);
  let calls = 0;
  const refresh = async (refreshToken: string): Promise<AmocrmTokens> => {
    calls++;
    await new Promise((r) => setTimeout(r, 20)); // give the other callers time to pile up on the lock
    if (!valid.delete(refreshToken)) throw new RefreshRejectedError("Refresh token has been revoked");
    const next = `refresh-${calls}`;
    valid.add(next);
    return { accessToken: `access-${calls}`, refreshToken: next, expiresAt: NOW + 86_400_000 };
  };
  return { refresh, calls: () => calls };
}

describe("amoCRM tokens", () => {
  it("twenty concurrent callers with an expired token cause exactly one refresh", async () => {
    const tenant = await createTenant(t.db, {
      amocrmAccountId: 11,
      amocrmSubdomain: "r",
      amocrmBaseUrl: "http://r",
      name: "R",
    });
    await saveAmocrmTokens(t.db, {
      tenantId: tenant.id,
      tokens: { accessToken: "access-0", refreshToken: "refresh-0", expiresAt: NOW - 1000 },
    });
    const amo = singleUseRefresher("refresh-0");
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () =>
        getFreshAccessToken(t.db, { tenantId: tenant.id, refresh: amo.refresh, now: () => NOW }),
      ),
    );
    expect(amo.calls()).toBe(1);
    expect(new Set(tokens)).toEqual(new Set(["access-1"]));
    expect(await readAmocrmTokens(t.db, { tenantId: tenant.id })).toMatchObject({
      refreshToken: "refresh-1",
    });
    // Still valid: no further refresh.
    await getFreshAccessToken(t.db, { tenantId: tenant.id, refresh: amo.refresh, now: () => NOW });
    expect(amo.calls()).toBe(1);
  });

  it("a refused refresh marks the tenant needs_reconnect with a journal entry", async () => {
    const tenant = await createTenant(t.db, {
      amocrmAccountId: 12,
      amocrmSubdomain: "q",
      amocrmBaseUrl: "http://q",
      name: "Q",
    });
    await saveAmocrmTokens(t.db, {
      tenantId: tenant.id,
      tokens: { accessToken: "a", refreshToken: "revoked", expiresAt: NOW - 1000 },
    });
    const amo = singleUseRefresher("something-else");
    await expect(
      getFreshAccessToken(t.db, { tenantId: tenant.id, refresh: amo.refresh, now: () => NOW }),
    ).rejects.toThrow(TenantNeedsReconnectError);
    const [row] = await t.db.select().from(tenants).where(eq(tenants.id, tenant.id));
    expect(row!.status).toBe("needs_reconnect");
    const [entry] = await t.db.select().from(activityLog).where(eq(activityLog.tenantId, tenant.id));
    expect(entry).toMatchObject({ kind: "amocrm.reconnect_needed", status: "failed" });
    expect(entry!.reason).toContain("revoked");
  });
});
