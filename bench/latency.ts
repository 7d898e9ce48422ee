import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { webhookInbox } from "@/db/schema";
import type { CallCard } from "@/server/calls/card/card";
import { cardHub } from "@/server/calls/card/events";
import { PAIRS, startLogWorld } from "@/test/calls-world";
import type { TestDb } from "@/test/db";
import { serveHandler } from "@/test/http-bridge";
import { callEvents } from "./drain";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

/**
 * Open-loop load: request i is due at start + i/rate whatever the earlier ones took, and its latency counts
 * from when it was due (a slow answer does not hide the requests queued behind it).
 */
async function openLoop(n: number, rate: number, send: (i: number) => Promise<number>) {
  const start = performance.now();
  const latencies: number[] = [];
  let failed = 0;
  const pending: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(
      send(i).then(
        (status) => {
          latencies.push(performance.now() - due);
          if (status !== 200) failed++;
        },
        () => {
          failed++;
        },
      ),
    );
  }
  await Promise.all(pending);
  return { latencies, failed, seconds: (performance.now() - start) / 1000 };
}

export type IntakeFigures = {
  rate: number;
  requests: number;
  intakeP50: number;
  intakeP99: number;
  baselineP50: number;
  baselineP99: number;
  failed: number;
};

/**
 * Intake p99 of accepted MANGO call events (the real route: tenant by key, signature, inbox + job +
 * journal) against a route doing one INSERT into the same table, each at `rate` req/s open-loop over
 * loopback HTTP, one after the other in the same run on the same database. No job runs meanwhile.
 */
export async function benchIntake(db: TestDb, n = 1000, rate = 200): Promise<IntakeFigures> {
  const w = await startLogWorld({ db });
  const oneInsert = await serveHandler(async () => {
    await db.db.insert(webhookInbox).values({
      tenantId: w.tenant.id,
      provider: "baseline",
      kind: "e",
      eventKey: randomUUID(),
      status: "accepted",
    });
    return new Response(null, { status: 200 });
  });
  try {
    const post = async (url: string, body: string) => {
      const r = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      });
      await r.arrayBuffer();
      return r.status;
    };
    const events = Array.from({ length: n }, (_, i) => callEvents(randomUUID(), `7916${1_000_000 + i}`)[0]!);
    // Warm both paths (connections, code) before timing.
    for (let i = 0; i < 20; i++) await post(`${oneInsert.url}/x`, "x");
    for (const e of callEvents(randomUUID(), "79160000000"))
      await post(`${w.bridgeUrl}/api/mango/${w.tenant.webhookKey}/${e.path}`, e.body);
    const baseline = await openLoop(n, rate, () => post(`${oneInsert.url}/x`, "x"));
    const intake = await openLoop(n, rate, (i) =>
      post(`${w.bridgeUrl}/api/mango/${w.tenant.webhookKey}/${events[i]!.path}`, events[i]!.body),
    );
    return {
      rate,
      requests: n,
      intakeP50: quantile(intake.latencies, 0.5),
      intakeP99: quantile(intake.latencies, 0.99),
      baselineP50: quantile(baseline.latencies, 0.5),
      baselineP99: quantile(baseline.latencies, 0.99),
      failed: intake.failed + baseline.failed,
    };
  } finally {
    await oneInsert.close();
    await w.close();
  }
}

export type CardFigures = {
  injectedMs: number;
  calls: number;
  firstCardMs: number;
  contactCardMs: number;
  amoRoundTrips: number;
};

/**
 * Ring → card with the caller's contact, with the amoCRM emulator answering every API request
 * `injectedMs` late: how long (median) and how many amoCRM requests (median per call) it took.
 */
export async function benchCard(db: TestDb, injectedMs = 200): Promise<CardFigures> {
  const w = await startLogWorld({ db });
  const phones = ["+79161234567", "+79031112233", "+79265554433", "+79857776655", "+78122223344"];
  const seen = new Map<string, { first?: number; done?: number }>();
  const off = cardHub().subscribe({ tenantId: w.tenant.id, amoUserId: PAIRS["101"] }, (c: CallCard) => {
    const s = seen.get(c.entryId) ?? {};
    s.first ??= performance.now();
    if (c.lookup === "done") s.done ??= performance.now();
    seen.set(c.entryId, s);
  });
  const lastSeq = async () => {
    const log = (await (await fetch(`${w.amo.url}/__control/requests?path=/a/demo/api`)).json()) as {
      seq: number;
    }[];
    return log.at(-1)?.seq ?? 0;
  };
  try {
    await w.amoFaults({ kind: "latency", latency_ms: injectedMs, ratio: 1, path_prefix: "/a/demo/api" });
    const first: number[] = [];
    const full: number[] = [];
    const trips: number[] = [];
    for (const phone of phones) {
      const since = await lastSeq();
      const t0 = performance.now();
      const res = await fetch(`${w.mango.url}/__control/scenarios`, {
        method: "POST",
        body: JSON.stringify({
          type: "incoming",
          from: phone,
          ring: ["101"],
          answeredBy: "101",
          talkSeconds: 5,
          instant: true,
        }),
      });
      const { entry_id } = (await res.json()) as { entry_id: string };
      const deadline = Date.now() + 20_000;
      while (!seen.get(entry_id)?.done && Date.now() < deadline) await sleep(5);
      const s = seen.get(entry_id);
      if (!s?.first || !s.done) throw new Error(`no card for ${entry_id}`);
      first.push(s.first - t0);
      full.push(s.done - t0);
      const log = (await (
        await fetch(`${w.amo.url}/__control/requests?path=/a/demo/api&since=${since}`)
      ).json()) as unknown[];
      trips.push(log.length);
    }
    return {
      injectedMs,
      calls: phones.length,
      firstCardMs: quantile(first, 0.5),
      contactCardMs: quantile(full, 0.5),
      amoRoundTrips: quantile(trips, 0.5),
    };
  } finally {
    off();
    await fetch(`${w.amo.url}/__control/faults`, { method: "DELETE" });
    await w.close();
  }
}
