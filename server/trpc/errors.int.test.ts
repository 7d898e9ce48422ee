import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalQueue } from "@/inngest/local/queue";
import { createTestDb, type TestDb } from "@/test/db";
import { buildSecurityWorld, type SecurityWorld } from "@/test/security-fixture";
import { appRouter } from "./router";

let t: TestDb;
let world: SecurityWorld;
beforeAll(async () => {
  t = await createTestDb();
  world = await buildSecurityWorld(t.db);
});
afterAll(() => t.drop());

describe("tRPC over HTTP", () => {
  it("answers invalid input 400 with the field path of each issue", async () => {
    const res = await fetchRequestHandler({
      endpoint: "/api/trpc",
      router: appRouter,
      req: new Request(
        "http://x/api/trpc/activity.get?input=" +
          encodeURIComponent(JSON.stringify({ json: { id: "nope" } })),
      ),
      createContext: async () => ({
        db: t.db,
        queue: createLocalQueue(t.db),
        session: world.sessions.ownerA,
        requestId: "r",
      }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { json: { data: { code: string; zodError: { path: string }[] } } };
    };
    expect(body.error.json.data.code).toBe("BAD_REQUEST");
    expect(body.error.json.data.zodError.map((i) => i.path)).toEqual(["id"]);
  });
});
