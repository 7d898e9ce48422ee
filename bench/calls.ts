import { createHash, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { CallCard } from "@/server/calls/card";
import { cardHub } from "@/server/calls/card-events";
import { PAIRS, startLogWorld } from "@/test/calls-world";
import { serveHandler } from "@/test/http-bridge";

export type BenchRow = { name: string; ratio: number; target: number; detail: string };

const KNOWN_PHONES = ["+79161234567", "+79031112233", "+79265554433", "+79857776655", "+78122223344"];
const INJECTED_MS = 200;
const p = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const sign = (json: string) =>
  createHash("sha256").update(`demo-vpbx-key${json}demo-vpbx-salt`).digest("hex");

/**
 * Ring-to-card latency against the amoCRM latency the emulator injects (the card must show the caller at
 * once and the contact after the amoCRM round trips), and webhook intake p99 against an empty route.
 * Needs PostgreSQL like the integration tests.
 */
export async function benchCalls(): Promise<BenchRow[]> {
  const w = await startLogWorld();
  const user = PAIRS["101"];
  const seen = new Map<string, { first?: number; done?: number }>();
  const off = cardHub().subscribe({ tenantId: w.tenant.id, amoUserId: user }, (c: CallCard) => {
    const s = seen.get(c.entryId) ?? {};
    s.first ??= performance.now();
    if (c.lookup === "done") s.done ??= performance.now();
    seen.set(c.entryId, s);
  });
  try {
    await fetch(`${w.amo.url}/__control/faults`, {
      method: "POST",
      body: JSON.stringify({
        kind: "latency",
        latency_ms: INJECTED_MS,
        ratio: 1,
        path_prefix: "/a/demo/api",
      }),
    });
    const first: number[] = [];
    const full: number[] = [];
    for (const phone of KNOWN_PHONES) {
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
      while (!seen.get(entry_id)?.done && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      const s = seen.get(entry_id);
      if (!s?.first || !s.done) throw new Error(`no card for ${entry_id}`);
      first.push(s.first - t0);
      full.push(s.done - t0);
    }
    await fetch(`${w.amo.url}/__control/faults`, { method: "DELETE" });

    // Intake p99: signed events/call posts to our intake vs the same posts to a route that only answers.
    const empty = await serveHandler(async () => new Response(null, { status: 200 }));
    const post = async (base: string) => {
      const json = JSON.stringify({
        entry_id: randomUUID(),
        call_id: randomUUID(),
        timestamp: Math.floor(Date.now() / 1000),
        seq: 1,
        call_state: "Appeared",
        from: { number: "79990000000" },
        to: { extension: "103" },
      });
      const body = new URLSearchParams({ vpbx_api_key: "demo-vpbx-key", sign: sign(json), json }).toString();
      const t0 = performance.now();
      const r = await fetch(`${base}/api/mango/${w.tenant.webhookKey}/events/call`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      });
      await r.arrayBuffer();
      return performance.now() - t0;
    };
    const N = 200;
    const baseline: number[] = [];
    const intake: number[] = [];
    for (let i = 0; i < N; i++) {
      baseline.push(await post(empty.url));
      intake.push(await post(w.bridgeUrl));
    }
    await empty.close();
    baseline.sort((a, b) => a - b);
    intake.sort((a, b) => a - b);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    return [
      {
        name: "ring → first card (before amoCRM answers)",
        ratio: median(first) / INJECTED_MS,
        target: 1,
        detail: `median ${median(first).toFixed(0)} ms vs ${INJECTED_MS} ms injected per amoCRM request`,
      },
      {
        name: "ring → card with the contact",
        ratio: median(full) / INJECTED_MS,
        target: 5,
        detail: `median ${median(full).toFixed(0)} ms; ratio ≈ sequential amoCRM round trips`,
      },
      {
        name: "MANGO webhook intake p99 vs an empty route",
        ratio: p(intake, 0.99) / p(baseline, 0.99),
        target: 20,
        detail: `p99 ${p(intake, 0.99).toFixed(1)} ms vs ${p(baseline, 0.99).toFixed(1)} ms over ${N} posts`,
      },
    ];
  } finally {
    off();
    await w.close();
  }
}
