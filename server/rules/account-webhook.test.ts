import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AMOCRM_SAMPLES } from "@/test/fixtures";
import {
  accountDealEvent,
  accountWebhookBelongsTo,
  accountWebhookInboxKey,
  parseAccountWebhook,
} from "./account-webhook";

const SAMPLES = AMOCRM_SAMPLES;
const realStatus = readFileSync(path.join(SAMPLES, "webhook-leads-status-real.form.txt"), "utf8").trim();
const FORM = new Headers({ "content-type": "application/x-www-form-urlencoded" });

/** The real capture closes the deal as won (142); the same body closed as lost is the "deal lost" event. */
const lost = realStatus.replace("leads[status][0][status_id]=142", "leads[status][0][status_id]=143");

function responsibleBody(o: { responsible: number; lastModified: number; accountId?: number }) {
  const f = new URLSearchParams({
    "leads[responsible][0][id]": "39000101",
    "leads[responsible][0][status_id]": "33929755",
    "leads[responsible][0][pipeline_id]": "3383152",
    "leads[responsible][0][responsible_user_id]": String(o.responsible),
    "leads[responsible][0][last_modified]": String(o.lastModified),
    "account[subdomain]": "demo",
    "account[id]": String(o.accountId ?? 28805383),
  });
  return f.toString();
}

describe("account webhooks (amocrm-api.md §7)", () => {
  it("reads the real leads[status] capture: a move to won triggers no rule", () => {
    const e = parseAccountWebhook(realStatus, FORM);
    expect(e).toMatchObject({ accountId: 17769199, subdomain: "apfitness" });
    expect(e.changes).toEqual([
      {
        kind: "status",
        leadId: 10701093,
        pipelineId: 9217056,
        statusId: 142,
        oldStatusId: 20067736,
        responsibleUserId: 2079676,
        lastModified: 1539782664,
        trigger: null,
      },
    ]);
    expect(accountDealEvent(e.changes[0]!)).toBeNull();
  });

  it("makes a move to 143 a deal_lost event on the stage the deal was lost from", () => {
    const [change] = parseAccountWebhook(lost, FORM).changes;
    expect(change!.trigger).toBe("deal_lost");
    expect(accountDealEvent(change!)).toMatchObject({
      trigger: "deal_lost",
      pipelineId: 9217056,
      statusId: 20067736,
    });
  });

  it("makes leads[responsible] a responsible_changed event on the deal's current stage", () => {
    const [change] = parseAccountWebhook(
      responsibleBody({ responsible: 6100100, lastModified: 100 }),
    ).changes;
    expect(accountDealEvent(change!)).toMatchObject({
      trigger: "responsible_changed",
      pipelineId: 3383152,
      statusId: 33929755,
    });
  });

  it("keys a redelivery equal and a later change (or another responsible) different", () => {
    const key = (b: string) => accountWebhookInboxKey(parseAccountWebhook(b, FORM));
    const first = responsibleBody({ responsible: 6100100, lastModified: 100 });
    expect(key(first)).toBe(key(first));
    expect(key(responsibleBody({ responsible: 6100100, lastModified: 101 }))).not.toBe(key(first));
    expect(key(responsibleBody({ responsible: 8238874, lastModified: 100 }))).not.toBe(key(first));
    const occ = (b: string) => accountDealEvent(parseAccountWebhook(b, FORM).changes[0]!)!.occurrence;
    expect(occ(first)).toBe(occ(first));
    expect(occ(responsibleBody({ responsible: 8238874, lastModified: 100 }))).not.toBe(occ(first));
  });

  it("checks the account by id, else by subdomain", () => {
    const mine = { amoAccountId: 28805383, subdomain: "demo" };
    expect(
      accountWebhookBelongsTo(
        parseAccountWebhook(responsibleBody({ responsible: 1, lastModified: 1 })),
        mine,
      ),
    ).toBe(true);
    expect(
      accountWebhookBelongsTo(
        parseAccountWebhook(responsibleBody({ responsible: 1, lastModified: 1, accountId: 30441694 })),
        mine,
      ),
    ).toBe(false);
    expect(accountWebhookBelongsTo({ accountId: null, subdomain: "DEMO" }, mine)).toBe(true);
  });

  it("refuses bodies that are not a deal's responsible or status change", () => {
    expect(() => parseAccountWebhook("contacts[update][0][id]=1&account[subdomain]=demo", FORM)).toThrow();
    expect(() => parseAccountWebhook("leads[responsible][0][id]=x&account[subdomain]=demo", FORM)).toThrow();
    expect(() =>
      parseAccountWebhook(
        responsibleBody({ responsible: 1, lastModified: 1 }).replace(/&account[^&]*/g, ""),
        FORM,
      ),
    ).toThrow();
  });
});
