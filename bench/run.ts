import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import path from "node:path";
import { benchApply } from "./apply";
import { dbLabel, openBenchDb } from "./db";
import { benchDrain } from "./drain";
import { idleRss, NEEDS_BUILD, portalFirstLoadGzip, widgetSize } from "./footprint";
import { benchCard, benchIntake } from "./latency";
import { benchPacing, benchPacingLive } from "./pacing";

/**
 * `npm run bench`: the hot paths' figures, each against its baseline in the same run where there is one,
 * on PGlite (no DATABASE_URL) or on a scratch database of DATABASE_URL's server. Prints a table and writes
 * bench/results.json. Figures only: CI does not run it and nothing here fails on speed.
 * BENCH_DEALS (default 1000) sets the deals of "apply to current deals"; BENCH_DEALS=10000 for the full
 * figure (minutes at amoCRM's 7 rps). BENCH_EVENTS (default 2000) the burst of call events.
 */
const DEALS = Number(process.env.BENCH_DEALS ?? 1000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const INTAKE_REQUESTS = Number(process.env.BENCH_INTAKE_N ?? 1000);
const only = process.env.BENCH_ONLY?.split(",");

// Measured before the ordered-key driver (commit 65208d9) on this machine, PostgreSQL: the same burst.
const DRAIN_BEFORE = {
  eventsPerSecond: 3.73,
  seconds: 536,
  note: "2,000 events, commit 65208d9, PostgreSQL",
};

type Row = { figure: string; value: string; against: string; note?: string };
const rows: Row[] = [];
const results: Record<string, unknown> = {};
const ms = (x: number) => `${x.toFixed(1)} ms`;
const kb = (x: number) => `${(x / 1024).toFixed(1)} KB`;

async function section(name: string, fn: () => Promise<void>) {
  if (only && !only.includes(name)) return;
  const t0 = Date.now();
  try {
    await fn();
  } catch (err) {
    rows.push({ figure: name, value: "error", against: "", note: String(err).slice(0, 120) });
    results[name] = { error: String(err) };
  }
  process.stderr.write(`bench: ${name} ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
}

await section("intake", async () => {
  const f = await benchIntake(await openBenchDb(), INTAKE_REQUESTS, 200);
  results.intake = f;
  rows.push({
    figure: `MANGO webhook intake p99 (${f.requests} accepted call events, ${f.rate} req/s open-loop)`,
    value: ms(f.intakeP99),
    against: `one-INSERT route p99 ${ms(f.baselineP99)} (×${(f.intakeP99 / f.baselineP99).toFixed(1)})`,
    note: `p50 ${ms(f.intakeP50)} vs ${ms(f.baselineP50)}; non-200: ${f.failed}`,
  });
});

await section("card", async () => {
  const f = await benchCard(await openBenchDb(), 200);
  results.card = f;
  rows.push({
    figure: `ring → card with contact (amoCRM +${f.injectedMs} ms per request, median of ${f.calls})`,
    value: `${ms(f.contactCardMs)}, ${f.amoRoundTrips} amoCRM round trip(s)`,
    against: `${f.injectedMs} ms injected per round trip`,
    note: `first card (caller, before amoCRM) ${ms(f.firstCardMs)}`,
  });
});

await section("drain", async () => {
  const f = await benchDrain(await openBenchDb(), EVENTS);
  const q = await benchDrain(await openBenchDb(), EVENTS, { queueFirst: true });
  results.drain = { withDelivery: f, queuedFirst: q, before: DRAIN_BEFORE };
  rows.push({
    figure: `MANGO events drained/s, one tenant (${f.events} call events of ${f.calls} calls, intake → local driver → calls)`,
    value: `${f.eventsPerSecond.toFixed(1)} /s (${f.seconds.toFixed(1)} s)`,
    against: `before: ${DRAIN_BEFORE.eventsPerSecond} /s (×${(f.eventsPerSecond / DRAIN_BEFORE.eventsPerSecond).toFixed(1)})`,
    note: `${f.tailSeconds.toFixed(1)} s after the last delivery; finished calls ${f.finishedCalls}/${f.calls}, failed runs ${f.failedRuns}; amoCRM logging off`,
  });
  rows.push({
    figure: "  the same burst queued first, then the driver alone",
    value: `${q.eventsPerSecond.toFixed(1)} /s (${q.seconds.toFixed(1)} s)`,
    against: "",
    note: `finished calls ${q.finishedCalls}/${q.calls}, failed runs ${q.failedRuns}`,
  });
});

await section("apply", async () => {
  const f = await benchApply(await openBenchDb(), DEALS);
  results.apply = f;
  rows.push({
    figure: `apply to current deals, ${f.deals} deals${f.deals < 10_000 ? " (BENCH_DEALS=10000 for the full figure)" : ""}`,
    value: `${f.requestsPerDeal.toFixed(3)} amoCRM req/deal, ${f.sustainedRps.toFixed(2)} rps sustained, ${f.tooMany} × 429`,
    against: "amoCRM limit 7 rps",
    note: `${f.amoRequests} requests in ${f.seconds.toFixed(0)} s, peak ${f.peakRps}/s; ${f.status}`,
  });
});

await section("pacing", async () => {
  const f = await benchPacing(await openBenchDb(), { items: Number(process.env.BENCH_PACING_N ?? 30) });
  results.pacing = f;
  const { two, one } = f;
  rows.push({
    figure: `auto-callback pacing, ${f.items} items at ${f.ratePerMinute}/min, 2 dispatchers racing (${f.database}; virtual clock, ${f.stepMs} ms steps)`,
    value: `max deviation ${ms(two.maxDeviationMs)} from the ideal ${60 / f.ratePerMinute} s schedule, ≤ ${two.maxPerMinute} per 60 s`,
    against: `1 dispatcher: ${ms(one.maxDeviationMs)}, ≤ ${one.maxPerMinute} per 60 s`,
    note: `dialed ${two.dialed}/${f.items}, commands ${two.commands}; dispatchDue p50 ${ms(two.decisionP50Ms)} / p99 ${ms(two.decisionP99Ms)} vs ${ms(one.decisionP50Ms)} / ${ms(one.decisionP99Ms)} alone (×${(two.decisionP99Ms / Math.max(0.001, one.decisionP99Ms)).toFixed(1)} p99)`,
  });
});

await section("pacing-live", async () => {
  const f = await benchPacingLive(await openBenchDb(), {
    items: Number(process.env.BENCH_PACING_LIVE_N ?? 10),
  });
  results.pacingLive = f;
  rows.push({
    figure: `  the same in real time: callbacks.dispatch on 2 local drivers (poll ${f.pollMs} ms), ${f.items} items at ${f.ratePerMinute}/min`,
    value: `max deviation ${ms(f.maxDeviationMs)}, mean ${ms(f.meanDeviationMs)}`,
    against: `target ±1000 ms (×${(f.maxDeviationMs / 1000).toFixed(2)})`,
    note: `dialed ${f.dialed}/${f.items}, commands ${f.commands}; gaps ${ms(f.minGapMs)}–${ms(f.maxGapMs)}`,
  });
});

await section("footprint", async () => {
  // The app migrates and uses a scratch database of its own (none on PGlite: production needs PostgreSQL).
  const scratch = process.env.DATABASE_URL ? await openBenchDb() : null;
  const rss = await idleRss(scratch?.url).finally(() => scratch?.drop());
  const portal = portalFirstLoadGzip();
  const widget = widgetSize();
  results.footprint = { idleRssBytes: rss, portalFirstLoad: portal, widget };
  rows.push({
    figure: "idle RSS of the app process (next start, 10 s after health)",
    value: rss === null ? NEEDS_BUILD : typeof rss === "string" ? rss : `${(rss / 2 ** 20).toFixed(0)} MB`,
    against: "",
  });
  rows.push({
    figure: "portal first-load JS (gzip)",
    value: portal ? kb(portal.bytes) : NEEDS_BUILD,
    against: "",
    note: portal ? `${portal.page}: ${portal.files} chunks with the root ones` : undefined,
  });
  rows.push({
    figure: "widget bundle (widget.zip; script.js gzip)",
    value: `${kb(widget.zipBytes)}; ${kb(widget.scriptGzipBytes)}`,
    against: "",
  });
});

const machine = {
  date: new Date().toISOString(),
  nproc: cpus().length,
  node: process.version,
  database: dbLabel(),
};
results.machine = machine;
results.rows = rows;
writeFileSync(path.resolve("bench/results.json"), `${JSON.stringify(results, null, 2)}\n`);

const cellsOf = (r: Row) => [r.figure, r.value, r.against, r.note ?? ""];
const widths = [0, 1, 2, 3].map((i) => Math.max(6, ...rows.map((r) => cellsOf(r)[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(`${machine.date} · nproc ${machine.nproc} · node ${machine.node} · ${machine.database}`);
console.log(line(["Figure", "Value", "Against", "Detail"]));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows) console.log(line(cellsOf(r)));
console.log("saved bench/results.json");
process.exit(0);
