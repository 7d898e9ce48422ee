import { createHash, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { and, count, eq, inArray } from "drizzle-orm";
import { calls, jobRuns } from "@/db/schema";
import { createLocalWorker } from "@/inngest/local/worker";
import { processMangoEvent } from "@/server/events/mango-jobs";
import { startLogWorld } from "@/test/calls-world";
import type { TestDb } from "@/test/db";

const sign = (json: string) =>
  createHash("sha256").update(`demo-vpbx-key${json}demo-vpbx-salt`).digest("hex");

export type SignedEvent = { path: string; body: string; entryId: string; seq: number };

/**
 * The events MANGO sends for one answered incoming call to an unpaired extension (no card, no amoCRM
 * lookup), signed with the demo key as the emulator signs them: Appeared, Connected, Disconnected, summary.
 */
export function callEvents(entryId: string, phone: string): SignedEvent[] {
  const callId = randomUUID();
  const t = Math.floor(Date.now() / 1000);
  const leg = (seq: number, state: string, extra: Record<string, unknown> = {}) => ({
    entry_id: entryId,
    call_id: callId,
    timestamp: t + seq,
    seq,
    call_state: state,
    location: "abonent",
    from: { number: phone },
    to: { extension: "103", number: "sip:103@demo.mangosip.ru", line_number: "74950000000" },
    ...extra,
  });
  const summary = {
    entry_id: entryId,
    call_direction: 1,
    from: { number: phone },
    to: { extension: "103", number: "sip:103@demo.mangosip.ru" },
    line_number: "74950000000",
    create_time: t,
    forward_time: t + 1,
    talk_time: t + 2,
    end_time: t + 10,
    entry_result: 1,
    disconnect_reason: 1110,
  };
  const signed = (path: string, seq: number, e: unknown): SignedEvent => {
    const json = JSON.stringify(e);
    const body = new URLSearchParams({ vpbx_api_key: "demo-vpbx-key", sign: sign(json), json }).toString();
    return { path, body, entryId, seq };
  };
  return [
    signed("events/call", 1, leg(1, "Appeared")),
    signed("events/call", 2, leg(2, "Connected")),
    signed("events/call", 3, leg(3, "Disconnected", { disconnect_reason: 1110 })),
    signed("events/summary", 4, summary),
  ];
}

/**
 * A burst of call events as MANGO delivers them: `windowCalls` calls in progress at once, their events
 * interleaved, several deliveries in parallel. Returns the events in delivery order.
 */
export function burst(events: number, windowCalls = 25): SignedEvent[] {
  const n = Math.ceil(events / 4);
  const perCall = Array.from({ length: n }, (_, i) =>
    callEvents(randomUUID(), `7916${String(1_000_000 + i).slice(-7)}`),
  );
  const out: SignedEvent[] = [];
  for (let w = 0; w < n; w += windowCalls)
    for (let step = 0; step < 4; step++)
      for (const c of perCall.slice(w, w + windowCalls)) out.push(c[step]!);
  return out.slice(0, events);
}

export async function postAll(base: string, events: SignedEvent[], parallel = 16): Promise<number> {
  let next = 0;
  let failed = 0;
  const lane = async () => {
    while (next < events.length) {
      const e = events[next++]!;
      const r = await fetch(`${base}/${e.path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: e.body,
      });
      await r.arrayBuffer();
      if (r.status !== 200) failed++;
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return failed;
}

export type DrainFigures = {
  events: number;
  calls: number;
  seconds: number;
  eventsPerSecond: number;
  tailSeconds: number;
  finishedCalls: number;
  failedRuns: number;
  rejected: number;
};

/**
 * Events drained per second for one tenant: a burst of signed call events through our intake (HTTP) →
 * the local job driver polling as the app does (JOBS_POLL_MS, default 1 s) → `calls` rows. amoCRM logging
 * is off (only `mango.event` runs). Time from the first delivery until every run has finished (with
 * `queueFirst`, from the worker's start, the burst already queued).
 */
export async function benchDrain(
  db: TestDb,
  events = 2000,
  opts: { queueFirst?: boolean } = {},
): Promise<DrainFigures> {
  const w = await startLogWorld({ db });
  const worker = createLocalWorker({ db: db.db, definitions: [processMangoEvent] });
  try {
    const list = burst(events);
    const base = `${w.bridgeUrl}/api/mango/${w.tenant.webhookKey}`;
    const poll = Number(process.env.JOBS_POLL_MS ?? 1000);
    // queueFirst: the whole burst is stored and queued before the worker starts (the driver alone).
    if (!opts.queueFirst) worker.start(poll);
    let t0 = performance.now();
    const rejected = await postAll(base, list);
    const delivered = performance.now();
    if (opts.queueFirst) {
      t0 = performance.now();
      worker.start(poll);
    }
    const open = async () => {
      const [row] = await db.db
        .select({ n: count() })
        .from(jobRuns)
        .where(and(eq(jobRuns.jobId, processMangoEvent.id), inArray(jobRuns.status, ["queued", "running"])));
      return row?.n ?? 0;
    };
    const deadline = Date.now() + 30 * 60_000;
    while ((await open()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const done = performance.now();
    await worker.stop();
    const [failed] = await db.db
      .select({ n: count() })
      .from(jobRuns)
      .where(and(eq(jobRuns.jobId, processMangoEvent.id), eq(jobRuns.status, "failed")));
    const [finished] = await db.db
      .select({ n: count() })
      .from(calls)
      .where(and(eq(calls.tenantId, w.tenant.id), eq(calls.stage, "finished")));
    const seconds = (done - t0) / 1000;
    return {
      events: list.length,
      calls: new Set(list.map((e) => e.entryId)).size,
      seconds,
      eventsPerSecond: list.length / seconds,
      tailSeconds: (done - delivered) / 1000,
      finishedCalls: finished?.n ?? 0,
      failedRuns: failed?.n ?? 0,
      rejected,
    };
  } finally {
    await worker.stop();
    await w.close();
  }
}
