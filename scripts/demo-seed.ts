import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { tenants } from "@/db/schema";
import { addMembership, createTenant, upsertUser } from "@/server/tenancy/queries";

export type DemoSeed = { accountId: number; baseUrl: string; ownerAmoId: number; memberAmoId: number };

/**
 * The demo tenant on the emulators' `demo` account, with its webhook key fixed to the word "demo"
 * (demo mode only), an owner and a member, named as the emulators name them. Idempotent: re-running the demo keeps what is there.
 */
export async function seedDemoTenant(db: Db, s: DemoSeed) {
  const [existing] = await db.select().from(tenants).where(eq(tenants.amocrmAccountId, s.accountId));
  const tenant =
    existing ??
    (await createTenant(db, {
      amocrmAccountId: s.accountId,
      amocrmSubdomain: "demo",
      amocrmBaseUrl: s.baseUrl,
      name: "Демо-компания",
      webhookKey: "demo",
    }));
  const owner = await upsertUser(db, {
    amocrmUserId: s.ownerAmoId,
    name: "Анна Администратова",
    email: "admin@demo.example",
  });
  const member = await upsertUser(db, {
    amocrmUserId: s.memberAmoId,
    name: "Алексей Смирнов",
    email: "smirnov@demo.example",
  });
  await addMembership(db, { tenantId: tenant.id, userId: owner.id, role: "owner" });
  await addMembership(db, { tenantId: tenant.id, userId: member.id, role: "member" });
  return tenant;
}
