import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activityLog, calls, jobRuns, webhookInbox } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { assembleCallEvent } from "@/server/calls/assembly/store";
import { lastCallWith } from "@/server/calls/card/card";
import { openCallPhone } from "@/server/calls/phone";
import { sign } from "@/server/mango/sign";
import { putSecret } from "@/server/secrets/store";
import { createTenant } from "@/server/tenancy/queries";
import { readAcceptedEvent } from "@/server/webhooks/inbox";
import { createTestDb, drainJobs, type TestDb } from "@/test/db";
import { receiveMangoEvent } from "./mango-intake";
import { processMangoEvent } from "./mango-jobs";

const KEY = "live-vpbx-key-7f3a";
const SALT = "live-vpbx-salt-9c2e";
const CLIENT = "79991234567";
const CLIENT_DIGITS = /9991234567/;

let t: TestDb;
let tenant: Awaited<ReturnType<typeof createTenant>>;
beforeAll(async () => {
  t = await createTestDb();
  tenant = await createTenant(t.db, {
    amocrmAccountId: 81,
    amocrmSubdomain: "r",
    amocrmBaseUrl: "http://r",
    name: "R",
  });
  await putSecret(t.db, { tenantId: tenant.id, kind: "mango.api_key", value: KEY });
  await putSecret(t.db, { tenantId: tenant.id, kind: "mango.api_salt", value: SALT });
});
afterAll(() => t.drop());

const summary = JSON.stringify({
  entry_id: "UmVzdEVudHJ5MQ==",
  call_direction: 1,
  from: { number: CLIENT },
  to: { extension: "101", number: "74951110001" },
  create_time: 1_764_000_000,
  end_time: 1_764_000_060,
  talk_time: 0,
});
const form = (json: string, salt = SALT) =>
  new URLSearchParams({ vpbx_api_key: KEY, sign: sign(KEY, json, salt), json }).toString();
const post = (webhookKey: string, body: string) =>
  receiveMangoEvent(
    new Request(`http://localhost/api/mango/${webhookKey}/events/summary`, { method: "POST", body }),
    { webhookKey, path: "events/summary" },
    { db: t.db, queue: createLocalQueue(t.db) },
  );
const everything = async () =>
  JSON.stringify({
    inbox: await t.db.select().from(webhookInbox),
    runs: await t.db.select().from(jobRuns),
    journal: await t.db.select().from(activityLog),
  });

describe("MANGO events at rest", () => {
  it("keeps no full phone number in the inbox, the job payload or the call, and the job still reads it", async () => {
    const res = await post(tenant.webhookKey, form(summary));
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };

    const [row] = await t.db.select().from(webhookInbox).where(eq(webhookInbox.id, id));
    expect(row!.payload).toMatchObject({ from: { number: "7999***4567" } });
    expect(row!.sealedPayload).toBeTruthy();
    const [run] = await t.db.select().from(jobRuns).where(eq(jobRuns.id, row!.jobRunId!));
    expect(run!.payload).toMatchObject({ inboxId: id, event: { from: { number: "7999***4567" } } });
    const stored = await everything();
    expect(stored).not.toMatch(CLIENT_DIGITS);
    expect(stored).not.toContain(KEY);

    // The truth is sealed in the row, bound to it: the job opens it and assembles the call with the number.
    expect(await readAcceptedEvent(t.db, { tenantId: tenant.id, inboxId: id })).toMatchObject({
      from: { number: CLIENT },
    });
    await drainJobs(t.db, [processMangoEvent]);
    const [call] = await t.db.select().from(calls).where(eq(calls.tenantId, tenant.id));
    // The call row too keeps the number masked, and sealed for logging it.
    expect(call!.clientPhone).toBe("+7999***4567");
    expect(openCallPhone(call!)).toBe(`+${CLIENT}`);
    expect(await everything()).not.toMatch(CLIENT_DIGITS);
    expect(JSON.stringify(await t.db.select().from(calls))).not.toMatch(CLIENT_DIGITS);
    const [done] = await t.db.select().from(jobRuns).where(eq(jobRuns.id, row!.jobRunId!));
    expect(done!.status).toBe("done");
  });

  it("keeps neither the key nor the phone of a refused MANGO event, and reads nothing for an unknown key", async () => {
    const forged = await post(tenant.webhookKey, form(summary, "guessed-salt"));
    expect(forged.status).toBe(401);
    const unknown = await post("no-such-key", form(summary));
    expect(unknown.status).toBe(404);
    const rejected = await t.db.select().from(webhookInbox).where(eq(webhookInbox.status, "rejected"));
    expect(rejected.map((r) => r.reason).sort()).toEqual(["invalid signature", "unknown webhook address"]);
    const stored = await everything();
    expect(stored).not.toContain(KEY);
    expect(stored).not.toMatch(CLIENT_DIGITS);
  });

  it("still finds the previous call with a number it keeps sealed", async () => {
    const other = await createTenant(t.db, {
      amocrmAccountId: 82,
      amocrmSubdomain: "r2",
      amocrmBaseUrl: "http://r2",
      name: "R2",
    });
    const summaryOf = (entryId: string, at: number) => ({
      entry_id: entryId,
      call_direction: 1,
      from: { number: "79995550101" },
      to: { extension: "101" },
      create_time: at,
      end_time: at + 30,
      talk_time: 20,
    });
    await assembleCallEvent(t.db, {
      tenantId: other.id,
      kind: "events/summary",
      event: summaryOf("UHJldi0x", 1_764_000_000),
    });
    const found = await lastCallWith(t.db, {
      tenantId: other.id,
      phone: "+79995550101",
      entryId: "UHJldi0y",
    });
    expect(found).toMatchObject({ direction: "incoming", at: new Date(1_764_000_000_000).toISOString() });
    // Another tenant's call with the same number is not "ours".
    expect(await lastCallWith(t.db, { tenantId: tenant.id, phone: "+79995550101", entryId: "x" })).toBeNull();
  });
});
