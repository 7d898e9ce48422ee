import { describe, expect, it } from "vitest";
import { sign } from "./sign";
import { mangoWebhookParts } from "./webhook";

const creds = { apiKey: "demo-vpbx-key", salt: "demo-vpbx-salt" };
const body = (json: string, key = creds.apiKey, salt = creds.salt) =>
  new URLSearchParams({ vpbx_api_key: key, sign: sign(key, json, salt), json }).toString();

describe("mangoWebhookParts", () => {
  const summary = mangoWebhookParts("events/summary", creds);
  const json = JSON.stringify({
    entry_id: "NTAwOTQxMTAyMg==",
    call_direction: 1,
    from: { number: "79991234567" },
    to: {},
    create_time: 1,
    end_time: 2,
    talk_time: 0,
  });

  it("verifies, decodes, validates and names a signed MANGO event", () => {
    const raw = body(json);
    expect(summary.verify(raw)).toBe(true);
    const event = summary.schema.parse(summary.decode(raw));
    expect(summary.eventKey(event)).toBe("summary:NTAwOTQxMTAyMg==");
  });

  it("refuses another account's signature and a body without the form fields", () => {
    expect(summary.verify(body(json, "other-vpbx-key", "other-vpbx-salt"))).toBe(false);
    expect(summary.verify(body(json, creds.apiKey, "wrong-salt"))).toBe(false);
    expect(summary.verify(json)).toBe(false);
    expect(() => summary.decode(json)).toThrow();
  });

  it("rejects a signed payload that is not a summary", () => {
    const raw = body(JSON.stringify({ command_id: "x", result: 1000 }));
    expect(summary.verify(raw)).toBe(true);
    expect(summary.schema.safeParse(summary.decode(raw)).success).toBe(false);
  });
});
