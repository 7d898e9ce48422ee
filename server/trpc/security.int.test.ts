import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activityLog, memberships } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { createTestDb, type TestDb } from "@/test/db";
import { buildSecurityWorld, type SecurityWorld } from "@/test/security-fixture";
import type { ProcedureMeta, SecurityFixture, SessionIdentity, TrpcContext } from "./init";
import { appRouter, createCaller } from "./router";

/**
 * The shared security suite: walks every procedure of the app router, so a new procedure is covered
 * without editing this file. Each non-public procedure must declare a `sample` input in its meta; the data
 * it attacks comes from test/security-fixture.ts.
 */
let t: TestDb;
let fx: SecurityFixture;
let sessions: SecurityWorld["sessions"];
let secretsOfA: string[];

beforeAll(async () => {
  t = await createTestDb();
  ({ fx, sessions, secretsOfA } = await buildSecurityWorld(t.db));
});
afterAll(() => t.drop());

const ctxFor = (session: SessionIdentity | null): TrpcContext => ({
  db: t.db,
  queue: createLocalQueue(t.db),
  session,
  requestId: "test",
});

type Entry = { path: string; meta: ProcedureMeta };
const procedures: Entry[] = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta } }>,
).map(([path, p]) => ({ path, meta: p._def.meta ?? { access: "public" } }));

async function call(session: SessionIdentity | null, path: string, input: unknown): Promise<unknown> {
  // biome-ignore lint/suspicious/noExplicitAny: walking the caller by path
  let fn: any = createCaller(ctxFor(session));
  for (const part of path.split(".")) fn = fn[part];
  return fn(input);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    throw err;
  }
}

describe("every procedure of the app router", () => {
  it("is found by the walk", () => {
    expect(procedures.length).toBeGreaterThanOrEqual(8);
    expect(procedures.map((p) => p.path)).toContain("activity.retry");
  });

  const guarded = () => procedures.filter((p) => p.meta.access !== "public");

  it("declares its access and a sample input", () => {
    for (const p of guarded()) expect(p.meta.sample, `${p.path} needs meta.sample`).toBeTypeOf("function");
  });

  it("denies a call without a session (UNAUTHORIZED)", async () => {
    for (const p of guarded()) {
      expect(await codeOf(call(null, p.path, p.meta.sample!(fx))), p.path).toBe("UNAUTHORIZED");
    }
  });

  it("gives another tenant nothing of this tenant's (NOT_FOUND or no foreign data)", async () => {
    for (const p of procedures) {
      const input = p.meta.sample?.(fx);
      try {
        const out = await call(sessions.ownerB, p.path, input);
        const text = JSON.stringify(out);
        for (const secret of secretsOfA) expect(text, `${p.path} leaked ${secret}`).not.toContain(secret);
      } catch (err) {
        expect(err, p.path).toBeInstanceOf(TRPCError);
        // Procedures without ids act on the caller's own tenant and may fail for its own reasons;
        // whatever they say must not name anything of tenant A.
        for (const secret of secretsOfA)
          expect((err as Error).message, `${p.path} leaked ${secret}`).not.toContain(secret);
        const namesIdsOfA = Object.values(fx).some((id) => JSON.stringify(input ?? null).includes(id));
        if (namesIdsOfA) expect((err as TRPCError).code, p.path).toBe("NOT_FOUND");
      }
    }
    // Mutations tried by the foreign tenant changed nothing.
    const [failed] = await t.db.select().from(activityLog).where(eq(activityLog.id, fx.failedActivityId));
    expect(failed!.status).toBe("failed");
    const [member] = await t.db.select().from(memberships).where(eq(memberships.userId, fx.memberUserId));
    expect(member!.role).toBe("member");
  });

  it("denies members the admin-only procedures (FORBIDDEN)", async () => {
    const adminOnly = procedures.filter((p) => p.meta.access === "admin");
    expect(adminOnly.length).toBeGreaterThan(0);
    for (const p of adminOnly) {
      expect(await codeOf(call(sessions.memberA, p.path, p.meta.sample!(fx))), p.path).toBe("FORBIDDEN");
    }
  });

  it("denies members without a mapped extension the extended-integration procedures (FORBIDDEN)", async () => {
    // The fixture's member has no MANGO extension: "extended" procedures (rules) are closed to them.
    const extended = procedures.filter((p) => p.meta.access === "extended");
    expect(extended.length).toBeGreaterThan(0);
    for (const p of extended) {
      expect(await codeOf(call(sessions.memberA, p.path, p.meta.sample!(fx))), p.path).toBe("FORBIDDEN");
    }
  });

  it("lets the owner of the tenant through (the samples are valid inputs)", async () => {
    // Past the access checks a procedure may still fail for domain reasons (nothing connected in the fixture).
    for (const p of guarded()) {
      const code = await codeOf(call(sessions.ownerA, p.path, p.meta.sample!(fx)));
      expect(["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "BAD_REQUEST"], p.path).not.toContain(code);
    }
  });
});
