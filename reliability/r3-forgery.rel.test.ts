// R3 (issue 16): forged / replayed / unsigned / oversized requests to every public webhook route are all
// rejected, and nothing is sent: no SMS and no callback at the MANGO emulator, no write at the amoCRM
// emulator, no side-effect row. The routes are the app/ route modules over real HTTP
// (reliability/public-routes.ts) on the DP world: a tenant on both emulators with an SMS rule on
// «Принимают решение», so a forged DP webhook that got through would text a client. The DP webhook is
// unsigned by amoCRM: its forgery is accepted and then skipped, with the reason, once amoCRM denies the move.
import { and, eq, ne, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calls, jobRuns, smsMessages, tenantSecrets, tenants, webhookInbox } from "@/db/schema";
import { DEMO_ACCOUNT_ID } from "@/emulators/amocrm/seed-ids";
import { disconnectSignature } from "@/emulators/amocrm/tokens";
import type { SmsAction } from "@/lib/domain/rules/schema";
import { listJournal } from "@/server/activity/journal";
import { processMangoEvent } from "@/server/events/mango-jobs";
import { sign } from "@/server/mango/sign";
import { TRIGGER_REASONS } from "@/server/rules/dp-confirm";
import { evaluateRulesJob } from "@/server/rules/jobs";
import { sendSmsJob } from "@/server/sms/jobs";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from "@/test/amocrm-emulator";
import { drainJobs } from "@/test/db";
import { DECISION, type DpWorld, startDpWorld } from "@/test/dp-world";
import { MANGO_KEY, MANGO_SALT, type PublicRoutes, startPublicRoutes } from "./public-routes";

// The uninstall route checks amoCRM's signature with the integration's client id and secret (read once).
process.env.AMOCRM_CLIENT_ID = DEMO_CLIENT_ID;
process.env.AMOCRM_CLIENT_SECRET = DEMO_CLIENT_SECRET;

const SMS: SmsAction = {
  kind: "sms",
  recipients: ["client"],
  senderName: "AMANGO",
  template: "Здравствуйте, {{maincontact.name}}!",
  fallback: null,
};
/** Seeded deals that are not in «Принимают решение», and one amoCRM never had. */
const NOT_IN_STAGE = [9785993, 167353];
const NO_SUCH_DEAL = 987_654_321;
const OVER_LIMIT = 1_000_000 + 64 * 1024;

let w: PublicRoutes<DpWorld>;
beforeAll(async () => {
  w = await startPublicRoutes(startDpWorld);
  await w.rule({ ...DECISION, name: "Приветствие", actions: [SMS] });
}, 120_000);
afterAll(() => w?.close());

type Case = { category: "forged" | "replayed" | "unsigned" | "oversized"; name: string; req: () => Request };

const now = () => Math.floor(Date.now() / 1000);
const callEvent = (n: number) => ({
  entry_id: `r3-entry-${n}`,
  call_id: `r3-call-${n}`,
  timestamp: now(),
  seq: 1,
  call_state: "Appeared",
  location: "ivr",
  from: { number: "79161234567" },
  to: { number: "74951234567", extension: "101" },
});
const smsResult = (n: number) => ({ command_id: `r3-sms-${n}`, result: 1000 });
const summary = (n: number) => ({
  entry_id: `r3-entry-${n}`,
  call_direction: 1,
  create_time: now(),
  end_time: now(),
  from: { number: "79161234567" },
  to: { extension: "101" },
});
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const dpBody = (leadId: number, accountId = DEMO_ACCOUNT_ID) =>
  JSON.stringify({
    event: {
      type: 14,
      type_code: "lead_status_changed",
      data: { id: leadId, element_type: 2, pipeline_id: DECISION.pipelineId, status_id: DECISION.statusId },
      time: now(),
    },
    action: { settings: { widget: { settings: {} } } },
    subdomain: "demo",
    account_id: accountId,
  });
const lostBody = (leadId: number, accountId = DEMO_ACCOUNT_ID) =>
  JSON.stringify({
    leads: {
      status: [
        {
          id: leadId,
          status_id: 143,
          old_status_id: DECISION.statusId,
          pipeline_id: DECISION.pipelineId,
          last_modified: now(),
        },
      ],
    },
    account: { id: accountId, subdomain: "demo" },
  });

function cases(): Case[] {
  const key = w.tenant.webhookKey;
  const base = w.httpUrl;
  const post =
    (path: string, body: string | Uint8Array, type = "application/x-www-form-urlencoded") =>
    () =>
      new Request(`${base}${path}`, {
        method: "POST",
        headers: { "content-type": type },
        body: body as BodyInit,
      });
  const mango = (kind: string) => `/api/mango/${key}/${kind}`;
  const events: [string, Record<string, unknown>][] = [
    ["events/call", callEvent(1)],
    ["events/summary", summary(1)],
    ["result/sms", smsResult(1)],
    ["result/callback", smsResult(2)],
  ];
  const out: Case[] = [];
  for (const [kind, event] of events) {
    const json = JSON.stringify(event);
    const other = JSON.stringify({ ...event, tampered: true });
    out.push(
      {
        category: "forged",
        name: `${kind}: signed with a wrong salt`,
        req: post(
          mango(kind),
          form({ vpbx_api_key: MANGO_KEY, sign: sign(MANGO_KEY, json, "guessed-salt"), json }),
        ),
      },
      {
        category: "forged",
        name: `${kind}: signature of another body`,
        req: post(
          mango(kind),
          form({ vpbx_api_key: MANGO_KEY, sign: sign(MANGO_KEY, other, MANGO_SALT), json }),
        ),
      },
      {
        category: "forged",
        name: `${kind}: another PBX's key, signed with it`,
        req: post(
          mango(kind),
          form({ vpbx_api_key: "other-key", sign: sign("other-key", json, MANGO_SALT), json }),
        ),
      },
      {
        category: "forged",
        name: `${kind}: our key, a made-up signature`,
        req: post(mango(kind), form({ vpbx_api_key: MANGO_KEY, sign: "0".repeat(64), json })),
      },
      {
        category: "unsigned",
        name: `${kind}: no sign field`,
        req: post(mango(kind), form({ vpbx_api_key: MANGO_KEY, json })),
      },
      { category: "unsigned", name: `${kind}: bare JSON`, req: post(mango(kind), json, "application/json") },
      {
        category: "unsigned",
        name: `${kind}: unknown webhook key`,
        req: post(
          `/api/mango/not-a-key/${kind}`,
          form({ vpbx_api_key: MANGO_KEY, sign: sign(MANGO_KEY, json, MANGO_SALT), json }),
        ),
      },
      {
        category: "oversized",
        name: `${kind}: correctly signed, over the limit`,
        req: () => {
          const big = JSON.stringify({ ...event, pad: "x".repeat(OVER_LIMIT) });
          return post(
            mango(kind),
            form({ vpbx_api_key: MANGO_KEY, sign: sign(MANGO_KEY, big, MANGO_SALT), json: big }),
          )();
        },
      },
    );
  }
  for (const route of ["dp", "events"] as const) {
    const valid = route === "dp" ? dpBody(NOT_IN_STAGE[0]!) : lostBody(NOT_IN_STAGE[0]!);
    const otherAccount =
      route === "dp" ? dpBody(NOT_IN_STAGE[0]!, 1234567) : lostBody(NOT_IN_STAGE[0]!, 1234567);
    const path = `/api/amocrm/${key}/${route}`;
    out.push(
      {
        category: "forged",
        name: `amocrm ${route}: another account's body`,
        req: post(path, otherAccount, "application/json"),
      },
      {
        category: "unsigned",
        name: `amocrm ${route}: unknown webhook key`,
        req: post(`/api/amocrm/not-a-key/${route}`, valid, "application/json"),
      },
      {
        category: "oversized",
        name: `amocrm ${route}: over the limit`,
        req: post(path, `${valid.slice(0, -1)},"pad":"${"x".repeat(OVER_LIMIT)}"}`, "application/json"),
      },
      {
        category: "oversized",
        name: `amocrm ${route}: a form over the limit`,
        req: post(path, `event[data][id]=1&pad=${"x".repeat(OVER_LIMIT)}`),
      },
    );
  }
  const uninstall = (q: Record<string, string>) => () =>
    new Request(`${base}/api/amocrm/uninstall?${new URLSearchParams(q)}`);
  const account = String(DEMO_ACCOUNT_ID);
  const captured = {
    account_id: account,
    client_uuid: DEMO_CLIENT_ID,
    signature: disconnectSignature(DEMO_CLIENT_ID, DEMO_ACCOUNT_ID, DEMO_CLIENT_SECRET),
  };
  out.push(
    {
      category: "forged",
      name: "uninstall: a made-up signature",
      req: uninstall({ ...captured, signature: "0".repeat(64) }),
    },
    {
      category: "forged",
      name: "uninstall: signed for another account",
      req: uninstall({ ...captured, signature: disconnectSignature(DEMO_CLIENT_ID, 1, DEMO_CLIENT_SECRET) }),
    },
    {
      category: "forged",
      name: "uninstall: signed with another secret",
      req: uninstall({
        ...captured,
        signature: disconnectSignature(DEMO_CLIENT_ID, DEMO_ACCOUNT_ID, "guessed"),
      }),
    },
    {
      category: "unsigned",
      name: "uninstall: no signature",
      req: uninstall({ account_id: account, client_uuid: DEMO_CLIENT_ID }),
    },
    { category: "unsigned", name: "uninstall: no parameters", req: uninstall({}) },
  );
  // amoCRM's own URL for this account, captured and replayed while the integration is installed.
  for (let i = 1; i <= 3; i++)
    out.push({
      category: "replayed",
      name: `uninstall: captured URL, replay ${i}`,
      req: uninstall(captured),
    });
  return out;
}

/** The emulators' request logs and our side-effect rows, to compare before and after. */
async function sideEffects() {
  const mango = (await (await fetch(`${w.mango.url}/__control/requests`)).json()) as {
    requests: { id: number; path: string }[];
  };
  const amo = (await (await fetch(`${w.amo.url}/__control/requests`)).json()) as {
    seq: number;
    method: string;
    path: string;
  }[];
  const count = async (q: Promise<{ n: number }[]>) => (await q)[0]!.n;
  const n = sql<number>`count(*)::int`;
  return {
    mangoCommands: mango.requests.filter((r) => /commands\//.test(r.path)).map((r) => r.path),
    amoWrites: amo.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`),
    amoRequests: amo.length,
    sms: await count(w.t.db.select({ n }).from(smsMessages)),
    calls: await count(w.t.db.select({ n }).from(calls)),
    accepted: await count(w.t.db.select({ n }).from(webhookInbox).where(eq(webhookInbox.status, "accepted"))),
    runs: await count(w.t.db.select({ n }).from(jobRuns).where(ne(jobRuns.jobId, evaluateRulesJob.id))),
    tenant: (
      await w.t.db.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, w.tenant.id))
    )[0]?.status,
    tokens: await count(
      w.t.db
        .select({ n })
        .from(tenantSecrets)
        .where(and(eq(tenantSecrets.tenantId, w.tenant.id), eq(tenantSecrets.kind, "amocrm.tokens"))),
    ),
  };
}

describe("R3: forged, replayed, unsigned and oversized requests", () => {
  it("are all rejected 4xx (a forged DP webhook accepted and skipped with the reason), and nothing is sent", async () => {
    const before = await sideEffects();
    expect(before.tenant).toBe("active");
    expect(before.tokens).toBe(1);

    const answered: { c: Case; status: number; text: string }[] = [];
    for (const c of cases()) {
      const res = await fetch(c.req());
      answered.push({ c, status: res.status, text: await res.text() });
    }
    // A body over the limit streamed without a Content-Length, handed to the route as Next.js would.
    const streamed: { name: string; status: number; pulled: number }[] = [];
    for (const path of [
      `/api/mango/${w.tenant.webhookKey}/events/call`,
      `/api/amocrm/${w.tenant.webhookKey}/dp`,
      `/api/amocrm/${w.tenant.webhookKey}/events`,
    ]) {
      let pulled = 0;
      const chunk = new Uint8Array(64 * 1024).fill(0x61);
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 1;
          if (pulled > 200) controller.close();
          else controller.enqueue(chunk);
        },
      });
      const res = await w.dispatch(
        new Request(`http://127.0.0.1:3000${path}`, { method: "POST", body, duplex: "half" } as RequestInit),
      );
      streamed.push({ name: `streamed ${path.split("/").slice(-1)[0]}`, status: res.status, pulled });
    }

    // The forged DP webhooks: deals not in the stage, and a deal amoCRM never had.
    const dpForged: { leadId: number; status: number; text: string }[] = [];
    for (const leadId of [...NOT_IN_STAGE, NO_SUCH_DEAL]) {
      const res = await fetch(`${w.httpUrl}/api/amocrm/${w.tenant.webhookKey}/dp`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: dpBody(leadId),
      });
      dpForged.push({ leadId, status: res.status, text: await res.text() });
    }
    // Everything queued runs to its end: the rules, any SMS they would send, any MANGO event.
    await drainJobs(w.t.db, [evaluateRulesJob, sendSmsJob, processMangoEvent]);
    const after = await sideEffects();
    const { items } = await listJournal(w.t.db, {
      tenantId: w.tenant.id,
      amocrmBaseUrl: w.tenant.amocrmBaseUrl,
      limit: 100,
    });
    const dpRows = dpForged.map(({ leadId }) => items.find((g) => g.key.startsWith(`lead:${leadId}@`)));

    const by = (cat: Case["category"]) => answered.filter((a) => a.c.category === cat);
    const rejected = (a: { status: number }) => a.status >= 400 && a.status < 500;
    const notRejected = [
      ...answered.filter((a) => !rejected(a)).map((a) => `${a.c.name} → ${a.status} ${a.text.slice(0, 120)}`),
      ...streamed.filter((s) => s.status !== 413).map((s) => `${s.name} → ${s.status}`),
    ];
    const sent =
      after.mangoCommands.length -
      before.mangoCommands.length +
      after.amoWrites.length -
      before.amoWrites.length;
    const oversized = by("oversized").length + streamed.length;
    console.log(
      `R3 forgery: ${by("forged").length} forged, ${by("replayed").length} replayed, ${by("unsigned").length} unsigned, ${oversized} oversized: ` +
        `${notRejected.length === 0 ? "all rejected" : `${notRejected.length} NOT rejected`} ` +
        `(${[...new Set(answered.map((a) => a.status))].sort().join("/")}; streamed 413 after ≤${Math.max(...streamed.map((s) => s.pulled))} of 200 chunks), ` +
        `${dpForged.length} forged DP webhooks accepted and skipped (${[...new Set(dpRows.map((r) => r?.reason))].join(" | ")}), ` +
        `${sent} sent (MANGO commands ${after.mangoCommands.length - before.mangoCommands.length}, amoCRM writes ${after.amoWrites.length - before.amoWrites.length}, SMS rows ${after.sms}, calls ${after.calls})`,
    );

    expect(notRejected).toEqual([]);
    expect(by("replayed").every((a) => a.status === 409)).toBe(true);
    expect(by("oversized").every((a) => a.status === 413)).toBe(true);
    // The body stops being read at the limit (1 MB of 64 KB chunks is 16), never the whole 12.5 MB on offer.
    expect(streamed.every((s) => s.pulled < 40)).toBe(true);
    for (const f of dpForged)
      expect(f).toMatchObject({ status: 200, text: expect.stringContaining('"accepted"') });
    for (const row of dpRows) expect(row).toMatchObject({ kind: "rules.evaluate", status: "skipped" });
    expect(dpRows.slice(0, NOT_IN_STAGE.length).map((r) => r?.reason)).toEqual(
      NOT_IN_STAGE.map(() => TRIGGER_REASONS.otherStage),
    );
    expect(dpRows.at(-1)?.reason).toBe(TRIGGER_REASONS.gone(NO_SUCH_DEAL));
    expect(dpRows.every((r) => /ничего не отправлено/.test(r?.reason ?? ""))).toBe(true);
    // Nothing sent, nothing written, nothing changed.
    expect(after.mangoCommands).toEqual(before.mangoCommands);
    expect(after.amoWrites).toEqual(before.amoWrites);
    expect(after.sms).toBe(0);
    expect(after.calls).toBe(before.calls);
    expect(after.accepted).toBe(before.accepted + dpForged.length);
    expect(after.runs).toBe(before.runs);
    expect(after.tenant).toBe("active");
    expect(after.tokens).toBe(1);
  });
});
