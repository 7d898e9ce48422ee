import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createTransport } from "./http";
import { type MangoLimit, mangoLimitsFor } from "./limits";

describe("mangoLimitsFor (mango-api.md §4)", () => {
  it("gives a method its own limit first, then its API's general one", () => {
    expect(mangoLimitsFor("config/users/request", "vpbx")).toEqual([
      { name: "vpbx:config/users/request", capacity: 1, windowMs: 2000 },
      { name: "vpbx", capacity: 10, windowMs: 1000 },
    ]);
    expect(mangoLimitsFor("commands/callback", "vpbx").map((l) => l.capacity)).toEqual([4, 10]);
    expect(mangoLimitsFor("task/add", "cc").map((l) => l.name)).toEqual(["cc:task/add", "cc"]);
  });

  it("counts the Contact Center methods under /vpbx/ against the КЦ limit too (over it MANGO answers 5008)", () => {
    for (const method of [
      "cc/call",
      "cc/tags",
      "campaign/list",
      "task/add",
      "tasks/push",
      "v2/campaign/tasks",
    ])
      expect(mangoLimitsFor(method, "vpbx").map((l) => l.name)).toEqual(["cc", "vpbx"]);
    expect(mangoLimitsFor("commands/callback", "vpbx").map((l) => l.name)).toEqual([
      "vpbx:commands/callback",
      "vpbx",
    ]);
  });

  it("leaves other methods with the general limit only", () => {
    expect(mangoLimitsFor("commands/sms", "vpbx")).toEqual([{ name: "vpbx", capacity: 10, windowMs: 1000 }]);
    expect(mangoLimitsFor("incominglines", "vpbx").map((l) => l.name)).toEqual(["vpbx"]);
  });
});

describe("the transport and its limiter", () => {
  it("asks the limiter for the method's limits before every attempt, retries included", async () => {
    const taken: string[][] = [];
    const answers = [new Response("", { status: 503 }), new Response('{"users":[]}', { status: 200 })];
    const t = createTransport({
      baseUrl: "https://mango.test/vpbx",
      apiKey: "k",
      salt: "s",
      sleep: async () => {},
      fetch: async () => answers.shift() ?? new Response("", { status: 500 }),
      rateLimiter: {
        async take(limits: readonly MangoLimit[]) {
          taken.push(limits.map((l) => l.name));
        },
      },
    });
    await t.call(
      "config/users/request",
      {},
      { schema: z.object({ users: z.array(z.unknown()) }), idempotent: true },
    );
    expect(taken).toEqual([
      ["vpbx:config/users/request", "vpbx"],
      ["vpbx:config/users/request", "vpbx"],
    ]);
  });
});
