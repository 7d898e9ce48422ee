import { randomBytes } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amocrmUsers, employeeLinks, mangoEmployees, memberships, users } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { ruleDraftSchema } from "@/lib/domain/rules/schema";
import { WIDGET_TRPC_ENDPOINT } from "@/lib/domain/widget/trpc-session-protocol";
import { saveRule } from "@/server/rules/store";
import { addMembership, createTenant, upsertUser } from "@/server/tenancy/queries";
import { appRouter, createCaller } from "@/server/trpc/router";
import { createTestDb, type TestDb } from "@/test/db";
import { CLIENT_SMS, NEGOTIATION } from "@/test/rules-fixtures";
import { signWidgetSession, type WidgetSession } from "./session";
import { checkWidgetPageRequest, createWidgetTrpcContext, type WidgetTrpcConfig } from "./trpc-session";

/** The widget iframe's tRPC context: the widget session token (Bearer) instead of next-auth, the same router and checks. */
const APP = "https://app.amango.test";
const URL_LIST = `${APP}${WIDGET_TRPC_ENDPOINT}/rules.list`;
const authSecret = randomBytes(32).toString("hex");

let t: TestDb;
let cfg: WidgetTrpcConfig;
const A = { accountId: 70_001, tenantId: "", ownerAmoId: 7_000_101, ruleId: "" };
const B = { accountId: 70_002, tenantId: "", ownerAmoId: 7_000_201 };
const NEWCOMER_AMO_ID = 7_000_102; // an amoCRM user of A who never signed in to the portal

const draft = {
  ...NEGOTIATION,
  name: "VIP в переговорах",
  trigger: "entered_stage" as const,
  conditions: {
    mode: "all" as const,
    items: [{ kind: "tag" as const, op: "equals" as const, value: "vip" }],
  },
  actions: [{ ...CLIENT_SMS, recipients: ["client" as const] }],
};

const SAME_ORIGIN = { "x-trpc-source": "widget", "sec-fetch-site": "same-origin" };

/** The `Authorization` header of a widget page holding this session. */
async function bearerFor(s: Omit<WidgetSession, "accountId"> & { accountId?: number }, now?: Date) {
  const accountId = s.accountId ?? (s.tenantId === A.tenantId ? A.accountId : B.accountId);
  return `Bearer ${await signWidgetSession({ ...s, accountId }, { authSecret, ...(now ? { now } : {}) })}`;
}

function request(headers: Record<string, string>, url = URL_LIST) {
  return new Request(url, { headers });
}

async function widgetCaller(headers: Record<string, string>) {
  return createCaller(await createWidgetTrpcContext(t.db, request(headers), cfg));
}

async function errorOf(p: Promise<unknown>): Promise<TRPCError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCError) return err;
    throw err;
  }
  throw new Error("expected an error");
}

beforeAll(async () => {
  t = await createTestDb();
  cfg = { authSecret, appUrl: APP, queue: createLocalQueue(t.db) };
  for (const x of [A, B]) {
    const tenant = await createTenant(t.db, {
      amocrmAccountId: x.accountId,
      amocrmSubdomain: `w${x.accountId}`,
      amocrmBaseUrl: `https://w${x.accountId}.amocrm.ru`,
      name: `Компания ${x.accountId}`,
    });
    x.tenantId = tenant.id;
    const owner = await upsertUser(t.db, { amocrmUserId: x.ownerAmoId, name: `Владелец ${x.accountId}` });
    await addMembership(t.db, { tenantId: tenant.id, userId: owner.id, role: "owner" });
    // Both owners have a mapped extension: only membership decides what they see.
    const [e] = await t.db
      .insert(mangoEmployees)
      .values({
        tenantId: tenant.id,
        mangoKey: "user:100",
        extension: "100",
        name: `Владелец ${x.accountId}`,
      })
      .returning();
    await t.db
      .insert(employeeLinks)
      .values({ tenantId: tenant.id, mangoEmployeeId: e!.id, amoUserId: x.ownerAmoId, source: "manual" });
  }
  const [owner] = await t.db.select().from(users).where(eq(users.amocrmUserId, A.ownerAmoId));
  const rule = await saveRule(t.db, {
    tenantId: A.tenantId,
    actorUserId: owner!.id,
    authorAmoUserId: A.ownerAmoId,
    draft: ruleDraftSchema.parse(draft),
  });
  A.ruleId = rule!.id;
  await t.db.insert(amocrmUsers).values({
    tenantId: A.tenantId,
    amoUserId: NEWCOMER_AMO_ID,
    name: "Новикова Ольга",
    email: "olga@a.example",
    isAdmin: true,
  });
});
afterAll(() => t?.drop());

describe("the widget endpoint's own-page check", () => {
  it("lets the iframe's own client through: the custom header, same-origin", () => {
    expect(checkWidgetPageRequest(request(SAME_ORIGIN), cfg)).toBeNull();
    expect(checkWidgetPageRequest(request({ ...SAME_ORIGIN, origin: APP }), cfg)).toBeNull();
    // Browsers without Fetch Metadata: the header still proves a same-origin caller.
    expect(checkWidgetPageRequest(request({ "x-trpc-source": "widget" }), cfg)).toBeNull();
  });

  it.each([
    ["no x-trpc-source header (a form POST or <img> from another site)", {}, "missing_source_header"],
    ["the wrong source", { ...SAME_ORIGIN, "x-trpc-source": "portal" }, "missing_source_header"],
    ["a cross-site fetch", { ...SAME_ORIGIN, "sec-fetch-site": "cross-site" }, "cross_site"],
    ["a same-site but other-origin fetch", { ...SAME_ORIGIN, "sec-fetch-site": "same-site" }, "cross_site"],
    ["another Origin", { ...SAME_ORIGIN, origin: "https://evil.example" }, "foreign_origin"],
    ["the opaque origin of a sandboxed frame", { ...SAME_ORIGIN, origin: "null" }, "foreign_origin"],
  ])("refuses %s", async (_, headers, reason) => {
    const authorization = await bearerFor({ tenantId: A.tenantId, amocrmUserId: A.ownerAmoId });
    const req = request({ ...headers, authorization });
    expect(checkWidgetPageRequest(req, cfg)).toBe(reason);
    const err = await errorOf(createWidgetTrpcContext(t.db, req, cfg));
    expect(err.code).toBe("FORBIDDEN");
  });

  it("answers a refused request 403 over HTTP, with no data, even with a valid session token", async () => {
    const authorization = await bearerFor({ tenantId: A.tenantId, amocrmUserId: A.ownerAmoId });
    const serve = (headers: Record<string, string>) =>
      fetchRequestHandler({
        endpoint: WIDGET_TRPC_ENDPOINT,
        req: request({ ...headers, authorization }, `${URL_LIST}?input=${encodeURIComponent('{"json":{}}')}`),
        router: appRouter,
        createContext: () => createWidgetTrpcContext(t.db, request({ ...headers, authorization }), cfg),
      });
    const refused = await serve({ "sec-fetch-site": "cross-site" });
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain(A.ruleId);
    const allowed = await serve(SAME_ORIGIN);
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain(A.ruleId);
  });
});

describe("the widget session as the tRPC caller", () => {
  it("answers UNAUTHORIZED without a session token, with a forged, an expired or a cookie one", async () => {
    const genuine = await bearerFor({ tenantId: A.tenantId, amocrmUserId: A.ownerAmoId });
    const forged = `Bearer ${await signWidgetSession(
      { tenantId: A.tenantId, accountId: A.accountId, amocrmUserId: A.ownerAmoId },
      { authSecret: randomBytes(32).toString("hex") },
    )}`;
    const expired = await bearerFor(
      { tenantId: A.tenantId, amocrmUserId: A.ownerAmoId },
      new Date(Date.now() - 31 * 60_000),
    );
    const cases: Record<string, string>[] = [
      {},
      { authorization: forged },
      { authorization: expired },
      { authorization: "Bearer not.a.jwt" },
      // The token in another scheme, or sent as a cookie: only the Bearer header counts.
      { authorization: genuine.replace("Bearer", "Basic") },
      { cookie: `amango_widget=${genuine.slice("Bearer ".length)}` },
    ];
    for (const headers of cases) {
      const caller = await widgetCaller({ ...SAME_ORIGIN, ...headers });
      expect((await errorOf(caller.rules.list({}))).code).toBe("UNAUTHORIZED");
      expect((await errorOf(caller.widget.status())).code).toBe("UNAUTHORIZED");
    }
  });

  it("answers UNAUTHORIZED when the session's account is not its tenant's", async () => {
    const authorization = await bearerFor({
      tenantId: A.tenantId,
      accountId: B.accountId,
      amocrmUserId: A.ownerAmoId,
    });
    expect((await errorOf((await widgetCaller({ ...SAME_ORIGIN, authorization })).rules.list({}))).code).toBe(
      "UNAUTHORIZED",
    );
  });

  it("shows the owner the tenant's rules and lets them edit one through the same API as the portal", async () => {
    const authorization = await bearerFor({ tenantId: A.tenantId, amocrmUserId: A.ownerAmoId });
    const caller = await widgetCaller({ ...SAME_ORIGIN, authorization });
    const { rules } = await caller.rules.list(NEGOTIATION);
    expect(rules.map((r) => [r.id, r.name])).toEqual([[A.ruleId, "VIP в переговорах"]]);
    await caller.rules.save({ id: A.ruleId, rule: { ...draft, name: "VIP из виджета" } });
    const [owner] = await t.db.select().from(users).where(eq(users.amocrmUserId, A.ownerAmoId));
    const portal = createCaller({
      db: t.db,
      queue: cfg.queue,
      session: { userId: owner!.id, tenantId: A.tenantId },
      requestId: "test",
    });
    expect((await portal.rules.list(NEGOTIATION)).rules.map((r) => r.name)).toEqual(["VIP из виджета"]);
  });

  it("gives a session of tenant B nothing of tenant A", async () => {
    const authorization = await bearerFor({ tenantId: B.tenantId, amocrmUserId: B.ownerAmoId });
    const caller = await widgetCaller({ ...SAME_ORIGIN, authorization });
    expect((await caller.rules.list({})).rules).toEqual([]);
    expect((await caller.rules.list(NEGOTIATION)).rules).toEqual([]);
    // The settings iframe's status is the session's own tenant's, never A's.
    expect((await caller.widget.status()).tenantName).toBe(`Компания ${B.accountId}`);
    expect((await errorOf(caller.rules.save({ id: A.ruleId, rule: draft }))).code).toBe("NOT_FOUND");
    expect((await errorOf(caller.rules.delete({ id: A.ruleId }))).code).toBe("NOT_FOUND");
    const [stillThere] = (
      await createCaller(
        await createWidgetTrpcContext(
          t.db,
          request({
            ...SAME_ORIGIN,
            authorization: await bearerFor({ tenantId: A.tenantId, amocrmUserId: A.ownerAmoId }),
          }),
          cfg,
        ),
      ).rules.list({})
    ).rules;
    expect(stillThere?.id).toBe(A.ruleId);
  });

  it("makes a first-time amoCRM user a member (not admin, whatever amoCRM says), once", async () => {
    const authorization = await bearerFor({ tenantId: A.tenantId, amocrmUserId: NEWCOMER_AMO_ID });
    // Several first calls at once, as the batch link makes them: one user, one membership.
    const callers = await Promise.all([1, 2, 3].map(() => widgetCaller({ ...SAME_ORIGIN, authorization })));
    const lists = await Promise.all(callers.map((c) => c.rules.list(NEGOTIATION)));
    for (const l of lists) expect(l.rules.map((r) => r.id)).toEqual([A.ruleId]);
    const people = await t.db.select().from(users).where(eq(users.amocrmUserId, NEWCOMER_AMO_ID));
    expect(people.map((u) => [u.name, u.email])).toEqual([["Новикова Ольга", "olga@a.example"]]);
    const roles = await t.db
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.tenantId, A.tenantId), eq(memberships.userId, people[0]!.id)));
    expect(roles).toEqual([{ role: "member" }]);
    // Reading is for every member; saving needs admin or a mapped extension, in the widget as in the portal.
    expect((await errorOf(callers[0]!.rules.save({ id: A.ruleId, rule: draft }))).code).toBe("FORBIDDEN");
  });

  it("keeps an existing membership's role", async () => {
    const authorization = await bearerFor({ tenantId: B.tenantId, amocrmUserId: B.ownerAmoId });
    await (await widgetCaller({ ...SAME_ORIGIN, authorization })).rules.list({});
    const [owner] = await t.db.select().from(users).where(eq(users.amocrmUserId, B.ownerAmoId));
    const rows = await t.db
      .select({ role: memberships.role })
      .from(memberships)
      .where(eq(memberships.userId, owner!.id));
    expect(rows).toEqual([{ role: "owner" }]);
  });
});
