import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SAMPLES_DIR } from "@/test/mango-fetch";
import { decodeSignedForm, recordingLinkSign, sign, verifyEventSignature } from "./sign";

type Vectors = {
  vpbx_api_key: string;
  vpbx_api_salt: string;
  vectors: Array<{ endpoint: string; json: string; sign: string; urlencoded_body?: string }>;
};

const vectors = JSON.parse(
  readFileSync(path.join(SAMPLES_DIR, "mango/sign-test-vectors.json"), "utf8"),
) as Vectors;

describe("sign", () => {
  it("has vectors to check against", () => {
    expect(vectors.vectors.length).toBeGreaterThanOrEqual(4);
  });

  for (const v of vectors.vectors) {
    it(`agrees with MANGO's own signature for ${v.endpoint}`, () => {
      expect(sign(vectors.vpbx_api_key, v.json, vectors.vpbx_api_salt)).toBe(v.sign);
    });
  }

  it("is plain SHA-256 over key + json + salt, not an HMAC and not salt-first", () => {
    const expected = createHash("sha256").update("k{}s").digest("hex");
    expect(sign("k", "{}", "s")).toBe(expected);
    expect(sign("s", "{}", "k")).not.toBe(expected);
  });

  it("hashes Cyrillic as UTF-8 bytes", () => {
    const json = JSON.stringify({ text: "Привет" });
    expect(sign("k", json, "s")).toBe(
      createHash("sha256")
        .update(Buffer.from(`k${json}s`, "utf8"))
        .digest("hex"),
    );
  });
});

describe("verifyEventSignature", () => {
  const key = "demo-vpbx-key";
  const salt = "demo-vpbx-salt";
  const json = '{"entry_id":"e1","call_id":"c1","seq":1}';
  const form = { vpbx_api_key: key, sign: sign(key, json, salt), json };

  it("accepts an event signed with our key and salt", () => {
    expect(verifyEventSignature(key, salt, form)).toBe(true);
    expect(verifyEventSignature(key, salt, { ...form, sign: form.sign.toUpperCase() })).toBe(true);
  });

  it("rejects a wrong salt, another key, a tampered json, a truncated sign", () => {
    expect(verifyEventSignature(key, "other", form)).toBe(false);
    expect(verifyEventSignature("other-key", salt, form)).toBe(false);
    expect(verifyEventSignature(key, salt, { ...form, vpbx_api_key: "other-key" })).toBe(false);
    expect(verifyEventSignature(key, salt, { ...form, json: json.replace("c1", "c2") })).toBe(false);
    expect(verifyEventSignature(key, salt, { ...form, sign: form.sign.slice(0, 10) })).toBe(false);
    expect(verifyEventSignature(key, salt, { ...form, sign: "" })).toBe(false);
  });

  it("rejects an event signed by another account even if it names our key", () => {
    const forged = { vpbx_api_key: key, sign: sign("other-key", json, "other-salt"), json };
    expect(verifyEventSignature(key, salt, forged)).toBe(false);
  });

  it("verifies the raw json, so a re-serialisation with other spacing does not pass", () => {
    const pretty = JSON.stringify(JSON.parse(json), null, 1);
    expect(verifyEventSignature(key, salt, { ...form, json: pretty })).toBe(false);
  });
});

describe("decodeSignedForm", () => {
  it("reads MANGO's urlencoded body from the official example", () => {
    const v = vectors.vectors.find((x) => x.urlencoded_body);
    expect(v).toBeDefined();
    const form = decodeSignedForm(v!.urlencoded_body!);
    expect(form).toEqual({ vpbx_api_key: vectors.vpbx_api_key, sign: v!.sign, json: v!.json });
    expect(verifyEventSignature(vectors.vpbx_api_key, vectors.vpbx_api_salt, form!)).toBe(true);
  });

  it("returns null when a field is missing", () => {
    expect(decodeSignedForm("vpbx_api_key=k&json=%7B%7D")).toBeNull();
    expect(decodeSignedForm("")).toBeNull();
  });
});

describe("recordingLinkSign", () => {
  it("uses key + timestamp + recording_id + salt", () => {
    const expected = createHash("sha256").update("k1700000000rec-1s").digest("hex");
    expect(recordingLinkSign("k", "1700000000", "rec-1", "s")).toBe(expected);
  });
});
