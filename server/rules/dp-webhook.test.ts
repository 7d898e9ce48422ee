import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { idempotencyKeyFor } from "@/server/actions/types";
import { AMOCRM_SAMPLES } from "@/test/fixtures";
import { rule } from "@/test/rules-fixtures";
import { parseBracketForm } from "./bracket-form";
import {
  decodeDpWebhookBody,
  dpDealEvent,
  dpEventBelongsTo,
  dpInboxKey,
  dpWebhookSchema,
  parseDpWebhook,
} from "./dp-webhook";

const SAMPLES = AMOCRM_SAMPLES;
const dpSamples = readdirSync(SAMPLES).filter(
  (f) => f.startsWith("dp-webhook-payload") && !f.endsWith(".src.txt"),
);

/** The JSON view is documentation: it carries `// …` comments, removed here outside strings. */
function stripComments(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === "\\") out += text[++i] ?? "";
      else if (ch === '"') inString = false;
    } else if (ch === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else {
      if (ch === '"') inString = true;
      out += ch;
    }
  }
  return out;
}

/** A sample file → the body amoCRM would post (the form sample adds a decoded view under the body line). */
function sampleBody(name: string): { raw: string; contentType: string } {
  const text = readFileSync(path.join(SAMPLES, name), "utf8");
  if (text.trimStart().startsWith("{")) return { raw: stripComments(text), contentType: "application/json" };
  return { raw: text.split("\n")[0]!.trim(), contentType: "application/x-www-form-urlencoded" };
}

const OFFICIAL = {
  accountId: 30441694,
  subdomain: "ivanov",
  leadId: 123124,
  elementType: "lead",
  pipelineId: 654324,
  statusId: 654324,
  type: 15,
  typeCode: "lead_appeared_in_status",
  direction: "went_to_trigger",
  time: 1491300016,
  trigger: "entered_stage",
};

describe("the reference's DP samples", () => {
  it("finds both documented variants", () => {
    expect(dpSamples.some((f) => f.includes("json-view"))).toBe(true);
    expect(dpSamples.some((f) => f.includes("form"))).toBe(true);
  });

  it.each(dpSamples)("%s parses into the documented event", (name) => {
    const { raw, contentType } = sampleBody(name);
    const event = parseDpWebhook(raw, new Headers({ "content-type": contentType }));
    expect(event).toMatchObject(OFFICIAL);
    // Without a content type the body's first character decides.
    expect(parseDpWebhook(raw)).toEqual(event);
  });

  it("the form sample's body decodes to its own decoded view", () => {
    const text = readFileSync(path.join(SAMPLES, "dp-webhook-payload-form.CONSTRUCTED.txt"), "utf8");
    const view = text.split("# decoded view:")[1]!.trim().split("\n");
    const flat = Object.fromEntries(
      view.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    const decoded = parseBracketForm(sampleBody("dp-webhook-payload-form.CONSTRUCTED.txt").raw);
    expect(decoded).toEqual(parseBracketForm(new URLSearchParams(flat).toString()));
    expect(parseDpWebhook(sampleBody("dp-webhook-payload-form.CONSTRUCTED.txt").raw).widgetSettings).toEqual({
      message: "Hello",
    });
  });

  it("the JSON view's empty settings (or a PHP empty array) are no settings", () => {
    expect(parseDpWebhook(sampleBody("dp-webhook-payload.json-view.txt").raw).widgetSettings).toEqual({});
    const body = {
      ...JSON.parse(sampleBody("dp-webhook-payload.json-view.txt").raw),
      action: { settings: { widget: { settings: [] } } },
    };
    expect(parseDpWebhook(JSON.stringify(body)).widgetSettings).toEqual({});
  });
});

describe("event mapping", () => {
  const form = (over: Record<string, string>) =>
    new URLSearchParams({
      "event[type]": "14",
      "event[type_code]": "lead_status_changed",
      "event[data][id]": "5",
      "event[data][element_type]": "2",
      "event[data][status_id]": "20",
      "event[data][pipeline_id]": "10",
      "event[time]": "1700000000",
      account_id: "1",
      ...over,
    }).toString();

  it.each([
    ["1", "lead_added", "created_in_stage"],
    ["14", "lead_status_changed", "entered_stage"],
    ["16", "mail_in", "incoming_mail"],
    ["17", "call_in", "incoming_call"],
    ["18", "site_visit", "site_visit"],
    ["19", "chat", "incoming_chat"],
    ["99", "something_new", null],
  ])("type %s (%s) → %s", (type, code, trigger) => {
    expect(parseDpWebhook(form({ "event[type]": type, "event[type_code]": code })).trigger).toBe(trigger);
  });

  it("no rule waits for a customer event or a deal leaving a stretched zone", () => {
    const customer = parseDpWebhook(form({ "event[type]": "20", "event[data][element_type]": "12" }));
    expect(customer).toMatchObject({ elementType: "customer", trigger: null });
    expect(dpDealEvent(customer)).toBeNull();
    const leaving = parseDpWebhook(
      form({ "event[type]": "15", "event[data][direction_of_movement]": "went_from_trigger" }),
    );
    expect(leaving.trigger).toBeNull();
  });

  it("rejects a body without the deal, the stage, the time or any account", () => {
    const without = (...keys: string[]) => {
      const params = new URLSearchParams(form({}));
      for (const k of keys) params.delete(k);
      return params.toString();
    };
    const cases: [string, string][] = [
      [form({ "event[data][id]": "" }), "event.data.id"],
      [form({ "event[data][status_id]": "x" }), "event.data.status_id"],
      [without("event[data][pipeline_id]"), "event.data.pipeline_id"],
      [without("event[time]"), "event.time"],
      [without("account_id"), "account_id"],
    ];
    for (const [raw, where] of cases) {
      const result = dpWebhookSchema.safeParse(decodeDpWebhookBody(raw));
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((i) => i.path.join("."))).toContain(where);
    }
    // A subdomain alone is enough to tell the account.
    expect(parseDpWebhook(`${without("account_id")}&subdomain=ivanov`).subdomain).toBe("ivanov");
  });

  it("refuses form keys that reach a prototype, and conflicting keys", () => {
    expect(() => parseBracketForm("event[__proto__][x]=1")).toThrow(/refused/);
    expect(() => parseBracketForm("a=1&a[b]=2")).toThrow(/conflicts/);
    expect(parseBracketForm("a[]=1&a[]=2")).toEqual({ a: ["1", "2"] });
  });

  it("checks the account by id when the body has one, else by subdomain", () => {
    const account = { amoAccountId: 30441694, subdomain: "ivanov" };
    expect(dpEventBelongsTo({ accountId: 30441694, subdomain: "other" }, account)).toBe(true);
    expect(dpEventBelongsTo({ accountId: 1, subdomain: "ivanov" }, account)).toBe(false);
    expect(dpEventBelongsTo({ accountId: null, subdomain: "IVANOV" }, account)).toBe(true);
    expect(dpEventBelongsTo({ accountId: null, subdomain: "petrov" }, account)).toBe(false);
  });
});

describe("idempotency (acceptance 3: the same webhook three times → one intent)", () => {
  const r = rule({ trigger: "entered_stage" });
  const keyOf = (raw: string) => {
    const event = parseDpWebhook(raw);
    return idempotencyKeyFor(r, event.leadId, dpDealEvent(event)!, "sms:client");
  };

  it("is equal for the same webhook delivered three times, in either encoding", () => {
    const json = sampleBody("dp-webhook-payload.json-view.txt").raw;
    const formBody = sampleBody("dp-webhook-payload-form.CONSTRUCTED.txt").raw;
    const keys = new Set([keyOf(json), keyOf(json), keyOf(json), keyOf(formBody)]);
    expect(keys.size).toBe(1);
    expect(new Set([json, json, json].map((raw) => dpInboxKey(parseDpWebhook(raw)))).size).toBe(1);
  });

  it("differs for a later entry into the stage, another rule, deal, stage or recipient", () => {
    const json = JSON.parse(sampleBody("dp-webhook-payload.json-view.txt").raw);
    const base = keyOf(JSON.stringify(json));
    const later = keyOf(JSON.stringify({ ...json, event: { ...json.event, time: json.event.time + 60 } }));
    const otherDeal = keyOf(
      JSON.stringify({ ...json, event: { ...json.event, data: { ...json.event.data, id: 1 } } }),
    );
    const event = dpDealEvent(parseDpWebhook(JSON.stringify(json)))!;
    const otherRule = idempotencyKeyFor(rule({ trigger: "entered_stage" }), 123124, event, "sms:client");
    const otherStage = idempotencyKeyFor(r, 123124, { ...event, statusId: 1 }, "sms:client");
    const otherRecipient = idempotencyKeyFor(r, 123124, event, "sms:responsible");
    expect(new Set([base, later, otherDeal, otherRule, otherStage, otherRecipient]).size).toBe(6);
  });

  it("ignores the DP action's settings: the widget placed twice on a stage still sends once", () => {
    const json = JSON.parse(sampleBody("dp-webhook-payload.json-view.txt").raw);
    const withSettings = { ...json, action: { settings: { widget: { settings: { mode: "sms" } } } } };
    expect(keyOf(JSON.stringify(withSettings))).toBe(keyOf(JSON.stringify(json)));
  });
});
