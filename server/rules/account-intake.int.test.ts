import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { activityLog, webhookInbox } from "@/db/schema";
import { type AccountWorld, startAccountWorld } from "@/test/account-world";
import { SCENARIO } from "@/test/sms-scenario";

/**
 * The account-webhook route and subscription around the rules (issue 7): the subscription onboarding and
 * sign-in make (one hook, only for owners/admins, a failure journaled), and the bodies the route refuses.
 * What the webhooks then cause (SMS, notes, acceptance 2-4 and 6) is in account-sms.int.test.ts.
 */
let w: AccountWorld;
beforeAll(async () => {
  w = await startAccountWorld();
});
afterAll(() => w.close());

const { negotiation, lopatkin, vipDeal } = SCENARIO;

describe("the subscription made at onboarding", () => {
  it("is one hook on our events URL for responsible_lead and status_lead, however often it runs", async () => {
    const { subscribeAccountWebhooks } = await import("@/server/onboarding/account-webhooks");
    const again = await subscribeAccountWebhooks(w.t.db, {
      tenant: w.tenant,
      appUrl: new URL(w.eventsUrl).origin,
    });
    expect(again.ok).toBe(true);
    const res = await fetch(`${w.amo.url}/__control/state`);
    const state = (await res.json()) as {
      accounts: { demo: { webhooks: { destination: string; settings: string[]; disabled: boolean }[] } };
    };
    const ours = state.accounts.demo.webhooks.filter((h) => h.destination === w.eventsUrl);
    expect(ours).toEqual([
      expect.objectContaining({ settings: ["responsible_lead", "status_lead"], disabled: false }),
    ]);
  });
});

describe("after sign-in", () => {
  it("an owner/admin sign-in subscribes; a member's does not touch amoCRM", async () => {
    const { subscribeAccountWebhooksAfterSignIn } = await import("@/server/onboarding/account-webhooks");
    const calls = async () => {
      const res = await fetch(`${w.amo.url}/__control/requests?path=/a/demo/api/v4/webhooks`);
      return ((await res.json()) as unknown[]).length;
    };
    const before = await calls();
    const outcome = { tenant: w.tenant, createdTenant: false, reactivated: false } as const;
    await subscribeAccountWebhooksAfterSignIn(w.t.db, { ...outcome, storedTokens: false } as never);
    expect(await calls()).toBe(before);
    await subscribeAccountWebhooksAfterSignIn(w.t.db, { ...outcome, storedTokens: true } as never);
    expect(await calls()).toBe(before + 1);
    // That one went to APP_URL (not this test's server): take it off again so no change is posted there.
    const { accountWebhookUrl } = await import("@/server/onboarding/account-webhooks");
    const amo = await w.amocrm();
    await amo.http.request("DELETE", "/api/v4/webhooks", z.unknown(), {
      body: { destination: accountWebhookUrl(w.tenant.webhookKey) },
    });
  });
});

describe("bodies that are refused", () => {
  const post = (body: string) =>
    fetch(w.eventsUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
    });
  const rejected = () =>
    w.t.db
      .select()
      .from(webhookInbox)
      .where(eq(webhookInbox.status, "rejected"))
      .then((rows) => rows.filter((r) => r.kind === "events"));

  it("answers 400 to a malformed body and records it", async () => {
    const before = (await rejected()).length;
    const res = await post("leads[responsible][0][id]=abc&account[subdomain]=demo");
    expect(res.status).toBe(400);
    expect(await rejected()).toHaveLength(before + 1);
  });

  it("answers 400 to a ~300 KB key bracketed 100,000 deep instead of exhausting the heap", async () => {
    const before = (await rejected()).length;
    const res = await post(`leads${"[a]".repeat(100_000)}=1&account[subdomain]=demo`);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/deeper than 32 levels/);
    expect(await rejected()).toHaveLength(before + 1);
  });

  it("answers 400 to another account's webhook and starts nothing", async () => {
    const runs = (await w.accountRuns()).length;
    const res = await post(
      new URLSearchParams({
        "leads[responsible][0][id]": String(vipDeal.leadId),
        "leads[responsible][0][status_id]": String(negotiation.statusId),
        "leads[responsible][0][pipeline_id]": String(negotiation.pipelineId),
        "leads[responsible][0][responsible_user_id]": String(lopatkin.amoUserId),
        "leads[responsible][0][last_modified]": "1",
        "account[subdomain]": "other",
        "account[id]": "30441694",
      }).toString(),
    );
    expect(res.status).toBe(400);
    expect(await w.accountRuns()).toHaveLength(runs);
  });

  it("answers 404 to an unknown webhook key", async () => {
    const res = await fetch(w.eventsUrl.replace(w.tenant.webhookKey, "nope"), {
      method: "POST",
      body: "x=1",
    });
    expect(res.status).toBe(404);
  });
});

describe("a failed subscription", () => {
  it("is written to the journal and does not throw", async () => {
    const { subscribeAccountWebhooks } = await import("@/server/onboarding/account-webhooks");
    await w.amoFaults({ kind: "status", status: 403, count: 1, path_prefix: "/a/demo/api/v4/webhooks" });
    const out = await subscribeAccountWebhooks(w.t.db, { tenant: w.tenant, appUrl: "http://127.0.0.1:9" });
    expect(out.ok).toBe(false);
    const entries = await w.t.db.select().from(activityLog).where(eq(activityLog.kind, "amocrm.webhooks"));
    expect(entries).toEqual([expect.objectContaining({ status: "failed", tenantId: w.tenant.id })]);
    expect(entries[0]!.reason).toContain("подписаться");
  });
});
