// Support for the reliability suites R1 and R2: app instances as child processes (./app-process.ts), SIGKILLed
// and restarted; a watcher of the job table measuring how long a tenant had due runs with nothing moving; a
// seeded PRNG; waiting for quiet.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";

/** A seeded PRNG (mulberry32): the suites' mixes and kill moments are the same on every run. */
export function seededRandom(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Milliseconds on a monotonic clock, for the suites' own deadlines and stall measures. Not `Date.now()`: the
 * wall clock can step (a CI machine's clock moved ≥ 60 s forward inside one 25 s R1 run, which ended its
 * re-posting loop early); a monotonic clock cannot.
 */
export const monotonicMs = () => performance.now();

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export type AppProcess = {
  url: string;
  /** SIGKILL to the process group (tsx runs the script in a child of its own): no shutdown code runs. */
  kill(): Promise<void>;
};

/**
 * Starts ./app-process.ts on `port` against `databaseUrl` (a short job lease, a fast poll) and resolves once it
 * listens. The child inherits this process's environment (MANGO_API_URL, the dev secrets' directory).
 */
export async function startAppProcess(o: {
  databaseUrl: string;
  port: number;
  leaseMs: number;
}): Promise<AppProcess> {
  const child: ChildProcess = spawn("node_modules/.bin/tsx", ["reliability/support/app-process.ts"], {
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
    env: {
      ...process.env,
      DATABASE_URL: o.databaseUrl,
      APP_PORT: String(o.port),
      JOBS_LEASE_MS: String(o.leaseMs),
      JOBS_POLL_MS: "100",
      LOG_LEVEL: process.env.REL_APP_LOG_LEVEL ?? "silent",
    },
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /listening (\S+)/.exec(out);
      if (m) {
        child.stdout!.off("data", onData);
        child.stdout!.resume();
        resolve(m[1]!);
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`app process exited (${code}) before listening`)));
  });
  return {
    url,
    async kill() {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
      await exited;
    },
  };
}

type JobSnapshot = { tenantId: string; due: number; moved: string; running: string[] };

async function snapshot(db: Db): Promise<JobSnapshot[]> {
  return rowsOf<{ tenant_id: string; due: number; moved: string; running: string[] | null }>(
    await db.execute(sql`
      select tenant_id,
        count(*) filter (where (status = 'queued' and run_at <= now())
          or (status = 'running' and locked_until < now()))::int as due,
        count(*) filter (where status in ('done', 'skipped', 'failed', 'cancelled'))::text || '/' ||
          coalesce(sum(attempts), 0)::text as moved,
        array_agg(distinct locked_by) filter (where status = 'running') as running
      from job_runs where tenant_id is not null group by tenant_id`),
  ).map((r) => ({ tenantId: r.tenant_id, due: r.due, moved: r.moved, running: r.running ?? [] }));
}

/**
 * Samples the job table every `everyMs`: a tenant is stalled while it has due runs (queued and due, or running
 * under a lapsed lease) and no run of it started or finished since the stall began. Also collects the
 * workers seen holding runs (which instances did the work).
 */
export function watchStalls(db: Db, everyMs = 250) {
  const since = new Map<string, { at: number; moved: string }>();
  const longest = new Map<string, number>();
  const workers = new Set<string>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const now = monotonicMs();
      for (const s of await snapshot(db).catch(() => [])) {
        for (const w of s.running) workers.add(w);
        const open = since.get(s.tenantId);
        if (s.due === 0 || (open && open.moved !== s.moved)) {
          since.delete(s.tenantId);
          if (s.due > 0) since.set(s.tenantId, { at: now, moved: s.moved });
        } else if (!open) since.set(s.tenantId, { at: now, moved: s.moved });
        const o = since.get(s.tenantId);
        if (o) longest.set(s.tenantId, Math.max(longest.get(s.tenantId) ?? 0, now - o.at));
      }
      await sleep(everyMs);
    }
  })();
  return {
    workers,
    /** The longest stall of any tenant so far, in ms. */
    longestMs: () => Math.max(0, ...longest.values()),
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** Runs not finished: queued and due within `horizonMs`, or running. Cron slots far ahead are not work. */
export async function unfinishedRuns(db: Db, horizonMs = 60_000): Promise<number> {
  const [r] = rowsOf<{ n: number }>(
    await db.execute(sql`
      select count(*)::int as n from job_runs
      where status = 'running'
        or (status = 'queued' and run_at <= now() + make_interval(secs => ${horizonMs / 1000}))`),
  );
  return r!.n;
}

/** Waits until the job table and `extraIdle` have been quiet for `quietMs` on end, at most `timeoutMs`. */
export async function waitForQuiet(
  db: Db,
  o: { quietMs: number; timeoutMs: number; extraIdle?: () => Promise<boolean> },
): Promise<void> {
  const deadline = monotonicMs() + o.timeoutMs;
  let quietSince: number | null = null;
  while (monotonicMs() < deadline) {
    const idle = (await unfinishedRuns(db)) === 0 && (o.extraIdle ? await o.extraIdle() : true);
    if (!idle) quietSince = null;
    else {
      quietSince ??= monotonicMs();
      if (monotonicMs() - quietSince >= o.quietMs) return;
    }
    await sleep(250);
  }
  throw new Error(`not quiet after ${o.timeoutMs} ms: ${await unfinishedRuns(db)} runs unfinished`);
}

/** A load balancer in front of several instances: each request goes to the next one in turn. */
export async function roundRobin(targets: () => string[]) {
  const { serveHandler } = await import("@/test/http-bridge");
  let next = 0;
  return serveHandler(async (req) => {
    const all = targets();
    const target = all[next++ % all.length]!;
    const u = new URL(req.url);
    return fetch(`${target}${u.pathname}${u.search}`, {
      method: req.method,
      headers: { "content-type": req.headers.get("content-type") ?? "application/octet-stream" },
      body: req.method === "GET" ? undefined : await req.arrayBuffer(),
    });
  });
}
