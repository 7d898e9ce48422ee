import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { activityLog, jobRuns } from "@/db/schema";
import { defineJob } from "@/server/jobs/define";
import type { TestDb } from "@/test/db";
import { oneTenantDb } from "@/test/job-driver-world";
import { createInngestClient, jobEventName } from "./client";
import { toInngestFunction } from "./functions";
import { createInngestQueue, sweepOutbox } from "./outbox";

let t: TestDb;
let tenantId: string;
beforeAll(async () => {
  ({ t, tenantId } = await oneTenantDb(7));
});
afterAll(() => t.drop());

const greet = defineJob({
  id: "test.greet",
  title: "greet",
  payload: z.object({ name: z.string().min(1) }),
  handler: async (p) => ({ status: "done", result: { greeting: `Привет, ${p.name}` } }),
});

describe("Inngest driver", () => {
  it("runs the handler inside step.run with its payload validated", async () => {
    const inngest = createInngestClient({ isDev: true });
    const fn = toInngestFunction(inngest, greet, async () => t.db);
    const queue = createLocalRow(); // a run row as the Inngest queue would have written it
    const { runId } = await queue;
    const engine = new InngestTestEngine({ function: fn });
    const { result, ctx } = await engine.execute({
      events: [{ name: jobEventName("test.greet"), data: { runId, tenantId, payload: { name: "Анна" } } }],
    });
    expect(ctx.step.run).toHaveBeenCalledWith("test.greet", expect.any(Function));
    expect(result).toEqual({ kind: "done", result: { greeting: "Привет, Анна" } });
    const [entry] = await t.db.select().from(activityLog).where(eq(activityLog.sourceId, runId));
    expect(entry).toMatchObject({ status: "done", attempts: 1 });

    const bad = await engine.execute({
      events: [{ name: jobEventName("test.greet"), data: { runId, tenantId, payload: { name: "" } } }],
    });
    expect(bad.error).toBeTruthy();
    expect(String((bad.error as Error).message ?? bad.error)).toMatch(/invalid payload: name/);
    const [failed] = await t.db.select().from(activityLog).where(eq(activityLog.sourceId, runId));
    expect(failed).toMatchObject({ status: "failed" });
    expect(failed!.reason).toMatch(/^invalid payload: name/);
  });

  it("keeps an enqueue while Inngest is unreachable and the sweeper re-sends it", async () => {
    const received: { id: string; name: string; data: { runId: string } }[] = [];
    let up = false;
    const stub: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        if (!up) {
          res.writeHead(503).end("unavailable");
          return;
        }
        const events = JSON.parse(body);
        received.push(...(Array.isArray(events) ? events : [events]));
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ ids: ["01"], status: 200 }));
      });
    });
    await new Promise<void>((r) => stub.listen(0, "127.0.0.1", r));
    const baseUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
    try {
      const inngest = createInngestClient({ eventKey: "test-key", baseUrl, isDev: false });
      const queue = createInngestQueue(t.db, inngest);
      const { runId, created } = await queue.enqueue(
        greet,
        { name: "Олег" },
        { tenantId, idempotencyKey: "o1" },
      );
      expect(created).toBe(true);
      const [kept] = await t.db.select().from(jobRuns).where(eq(jobRuns.id, runId));
      expect(kept).toMatchObject({ driver: "inngest", status: "queued", dispatchedAt: null });
      expect(received).toHaveLength(0);

      up = true;
      expect(await sweepOutbox(t.db, inngest, 0)).toBe(1);
      expect(received.map((e) => [e.name, e.data.runId])).toEqual([[jobEventName("test.greet"), runId]]);
      const [sent] = await t.db.select().from(jobRuns).where(eq(jobRuns.id, runId));
      expect(sent!.dispatchedAt).not.toBeNull();
      expect(await sweepOutbox(t.db, inngest, 0)).toBe(0); // nothing left to send
    } finally {
      stub.close();
    }
  }, 60_000);

  it("sends a delayed run with its time as the event's ts, so Inngest starts it then and not at once", async () => {
    const received: { name: string; ts?: number; data: { runId: string } }[] = [];
    const stub: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const events = JSON.parse(body);
        received.push(...(Array.isArray(events) ? events : [events]));
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ ids: ["01"], status: 200 }));
      });
    });
    await new Promise<void>((r) => stub.listen(0, "127.0.0.1", r));
    const baseUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
    try {
      const queue = createInngestQueue(
        t.db,
        createInngestClient({ eventKey: "test-key", baseUrl, isDev: false }),
      );
      const later = await queue.enqueue(
        greet,
        { name: "Позже" },
        { tenantId, idempotencyKey: "d1", delaySeconds: 30 },
      );
      const [row] = await t.db.select().from(jobRuns).where(eq(jobRuns.id, later.runId));
      const sent = received.find((e) => e.data.runId === later.runId);
      expect(sent?.ts).toBe(row!.runAt.getTime());
      expect(sent!.ts! - Date.now()).toBeGreaterThan(25_000);
    } finally {
      stub.close();
    }
  }, 60_000);
});

async function createLocalRow() {
  const { insertJobRun } = await import("@/server/jobs/runs");
  return insertJobRun(t.db, greet, { name: "Анна" }, { tenantId, idempotencyKey: "a1", driver: "inngest" });
}
