import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { emulatorAndReceiverPerFile } from "./test-lifecycle";
import {
  advance,
  control,
  DEMO,
  mangoPost,
  OTHER,
  type Receiver,
  samplesRoot,
  sha256Sign,
} from "./test-support";

/**
 * Signatures: computed here with node:crypto only (the emulator's sign helper is never imported), checked
 * against MANGO's own published vectors, then used against the live emulator: wrong salt / wrong key are
 * refused with the documented codes and have no effect; repeated bad requests lock the key out (HTTP 401)
 * until 2 minutes after the first one; outbound webhooks are signed with the account's own key and salt.
 */

const vectors = JSON.parse(readFileSync(path.join(samplesRoot, "mango/sign-test-vectors.json"), "utf8")) as {
  vpbx_api_key: string;
  vpbx_api_salt: string;
  vectors: Array<{ endpoint: string; json: string; sign: string; urlencoded_body?: string }>;
};

let url: string;
let rx: Receiver;
emulatorAndReceiverPerFile((e) => {
  ({ url, rx } = e);
});
beforeEach(async () => {
  await control(url, "webhook", { pbx: "other", url: `${rx.url}/other` });
});

const CALLBACK = { command_id: "sig-1", from: { extension: "101" }, to_number: "79990001122" };

describe("MANGO signature", () => {
  it("matches all four official test vectors (sha256 over key + json + salt)", () => {
    expect(vectors.vectors).toHaveLength(4);
    for (const v of vectors.vectors) {
      expect(sha256Sign(vectors.vpbx_api_key, v.json, vectors.vpbx_api_salt)).toBe(v.sign);
      // Salt-first order must NOT match: guards against the classic mistake.
      expect(sha256Sign(vectors.vpbx_api_salt, v.json, vectors.vpbx_api_key)).not.toBe(v.sign);
    }
    const body = new URLSearchParams(vectors.vectors[0]?.urlencoded_body ?? "");
    expect(body.get("sign")).toBe(vectors.vectors[0]?.sign);
    expect(body.get("json")).toBe(vectors.vectors[0]?.json);
  });

  it("accepts a correctly signed request, including Cyrillic JSON signed as raw UTF-8", async () => {
    const r = await mangoPost(url, "commands/sms", {
      command_id: "ok-1",
      text: "Привет",
      from_extension: "101",
      to_number: "79990001122",
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ result: 1000 });
  });

  it("refuses a request signed with the wrong salt (3102) and executes nothing", async () => {
    const r = await mangoPost(url, "commands/callback", CALLBACK, DEMO, {
      signWith: { key: DEMO.key, salt: "wrong-salt" },
    });
    expect(r.status).toBe(420);
    expect(r.body).toEqual({ code: 3102 });
    const sms = await mangoPost(
      url,
      "commands/sms",
      { command_id: "sms-x", text: "x", from_extension: "101", to_number: "79990001122" },
      DEMO,
      {
        signWith: { key: DEMO.key, salt: "wrong-salt" },
      },
    );
    expect(sms.status).toBe(401); // second bad request within 2 minutes: locked out
    await advance(url, 300_000);
    expect(rx.events).toEqual([]);
    const deliveries = (await control(url, "deliveries")).deliveries as unknown[];
    expect(deliveries).toEqual([]);
  });

  it("refuses an unknown key (3105) and another account's salt (3102)", async () => {
    const unknown = await mangoPost(url, "commands/callback", CALLBACK, { key: "nope", salt: DEMO.salt });
    expect(unknown.body).toEqual({ code: 3105 });
    const crossed = await mangoPost(url, "commands/callback", CALLBACK, DEMO, {
      signWith: { key: DEMO.key, salt: OTHER.salt },
    });
    expect(crossed.body).toEqual({ code: 3102 });
  });

  it("signs with the exact json string: re-serialised JSON with different spacing is refused", async () => {
    const json = JSON.stringify(CALLBACK);
    const res = await fetch(`${url}/vpbx/commands/callback`, {
      method: "POST",
      body: new URLSearchParams({
        vpbx_api_key: DEMO.key,
        sign: sha256Sign(DEMO.key, json, DEMO.salt),
        json: JSON.stringify(CALLBACK, null, 1),
      }),
    });
    expect(res.status).toBe(420);
    expect(await res.json()).toEqual({ code: 3102 });
  });

  it("locks the key out with HTTP 401 after more than one bad request in 2 minutes, until 2 minutes after the first", async () => {
    const bad = () => mangoPost(url, "incominglines", {}, DEMO, { signWith: { key: DEMO.key, salt: "bad" } });
    const good = () => mangoPost(url, "incominglines", {});
    expect((await bad()).body).toEqual({ code: 3102 });
    await control(url, "clock", { advance: 30_000 });
    expect((await bad()).status).toBe(401);
    const blocked = await good();
    expect(blocked.status).toBe(401);
    expect(blocked.text).toBe("");
    await control(url, "clock", { advance: 89_000 }); // 119 s after the first bad request
    expect((await good()).status).toBe(401);
    await control(url, "clock", { advance: 1_000 }); // exactly 120 s
    const after = await good();
    expect(after.status).toBe(200);
    expect((after.body as { result: number }).result).toBe(1000);
    // The other account is unaffected by the demo account's lock-out.
    await bad();
    await bad();
    const other = await mangoPost(url, "incominglines", {}, OTHER);
    expect(other.status).toBe(200);
  });

  it("a single bad request per 2 minutes does not lock the key", async () => {
    const bad = () => mangoPost(url, "incominglines", {}, DEMO, { signWith: { key: DEMO.key, salt: "bad" } });
    expect((await bad()).status).toBe(420);
    await control(url, "clock", { advance: 121_000 });
    expect((await bad()).status).toBe(420);
    expect((await mangoPost(url, "incominglines", {})).status).toBe(200);
  });

  it("signs every webhook with the account's own key and salt", async () => {
    await control(url, "scenarios", {
      type: "incoming",
      from: "79990001122",
      ring: ["101"],
      answeredBy: "101",
      talkSeconds: 10,
    });
    await control(url, "scenarios", {
      pbx: "other",
      type: "incoming",
      from: "79990001133",
      ring: ["101"],
      answeredBy: "101",
      talkSeconds: 10,
    });
    await advance(url, 300_000);
    expect(rx.events.length).toBeGreaterThan(6);
    for (const e of rx.events) {
      const own = e.path.startsWith("other/") ? OTHER : DEMO;
      const foreign = own === OTHER ? DEMO : OTHER;
      expect(e.form.vpbx_api_key).toBe(own.key);
      expect(e.form.sign).toBe(sha256Sign(own.key, e.form.json ?? "", own.salt));
      expect(e.form.sign).not.toBe(sha256Sign(foreign.key, e.form.json ?? "", foreign.salt));
    }
    expect(rx.events.some((e) => e.path === "other/events/summary")).toBe(true);
    expect(rx.events.some((e) => e.path === "events/summary")).toBe(true);
  });
});
