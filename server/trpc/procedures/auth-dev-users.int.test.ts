import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLocalQueue } from "@/inngest/local/queue";
import type { SessionIdentity } from "@/server/trpc/init";
import { createTestDb, type TestDb } from "@/test/db";
import { buildSecurityWorld, type SecurityWorld } from "@/test/security-fixture";
import { appRouter } from "../router";

// DEV_LOGIN on (as `npm run demo` and the e2e server run), production off; `devMode` switches it per test.
const devMode = vi.hoisted(() => ({ on: true, production: false }));
vi.mock("@/server/config/env", async (original) => {
  const real = await original<typeof import("@/server/config/env")>();
  return {
    ...real,
    env: () => ({ ...real.env(), DEV_LOGIN: devMode.on, isProduction: devMode.production }),
  };
});

let t: TestDb;
let world: SecurityWorld;
beforeAll(async () => {
  t = await createTestDb();
  world = await buildSecurityWorld(t.db);
});
afterAll(() => t.drop());

const callerAs = (session: SessionIdentity | null) =>
  appRouter.createCaller({ db: t.db, queue: createLocalQueue(t.db), session, requestId: "r" });

describe("auth.devUsers", () => {
  it("offers a signed-in caller the people of their own tenant only", async () => {
    devMode.on = true;
    const ofB = await callerAs(world.sessions.ownerB).auth.devUsers();
    expect(ofB.map((u) => u.name)).toEqual(["Владелец Беты"]);
    expect(new Set(ofB.map((u) => u.tenantId))).toEqual(new Set([world.sessions.ownerB.tenantId]));

    const ofA = await callerAs(world.sessions.memberA).auth.devUsers();
    expect(ofA.map((u) => u.name).sort()).toEqual(["Владелец Альфы", "Сотрудник Альфы"]);
    expect(new Set(ofA.map((u) => u.tenantId))).toEqual(new Set([world.fx.tenantId]));
  });

  it("lists nobody to a session without a tenant", async () => {
    devMode.on = true;
    const users = await callerAs({ userId: world.sessions.ownerB.userId, tenantId: null }).auth.devUsers();
    expect(users).toEqual([]);
  });

  it("lists the sign-in choices when signed out, and nothing without DEV_LOGIN or in production", async () => {
    devMode.on = true;
    const signedOut = await callerAs(null).auth.devUsers();
    expect(signedOut.map((u) => u.name).sort()).toEqual([
      "Владелец Альфы",
      "Владелец Беты",
      "Сотрудник Альфы",
    ]);

    devMode.on = false;
    expect(await callerAs(null).auth.devUsers()).toEqual([]);
    expect(await callerAs(world.sessions.ownerA).auth.devUsers()).toEqual([]);
    devMode.on = true;
    devMode.production = true;
    expect(await callerAs(world.sessions.ownerA).auth.devUsers()).toEqual([]);
    devMode.production = false;
  });
});
