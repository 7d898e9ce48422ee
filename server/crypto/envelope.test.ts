import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildKeyring, needsRotation, open, SecretKeyError, seal } from "./envelope";

const key = () => randomBytes(32).toString("base64");

describe("AES-256-GCM envelope", () => {
  it("round-trips and never returns the plaintext in the sealed form", () => {
    const ring = buildKeyring("k1", key());
    const sealed = seal(ring, "ключ-API-1234", "tenant:t1:mango.api_key");
    expect(sealed.keyId).toBe("k1");
    expect(sealed.ciphertext).not.toContain("1234");
    expect(open(ring, sealed, "tenant:t1:mango.api_key")).toBe("ключ-API-1234");
  });

  it("refuses a value moved to another context or tampered with", () => {
    const ring = buildKeyring("k1", key());
    const sealed = seal(ring, "secret", "tenant:t1:mango.api_salt");
    expect(() => open(ring, sealed, "tenant:t2:mango.api_salt")).toThrow();
    const bytes = Buffer.from(sealed.ciphertext, "base64");
    bytes[bytes.length - 1]! ^= 1;
    expect(() =>
      open(ring, { ...sealed, ciphertext: bytes.toString("base64") }, "tenant:t1:mango.api_salt"),
    ).toThrow();
  });

  it("opens values sealed by an older key after rotation", () => {
    const oldKey = key();
    const before = buildKeyring("k1", oldKey);
    const sealed = seal(before, "token", "ctx");
    const after = buildKeyring("k2", key(), `k1:${oldKey}`);
    expect(open(after, sealed, "ctx")).toBe("token");
    expect(needsRotation(after, sealed)).toBe(true);
    expect(() => open(buildKeyring("k2", key()), sealed, "ctx")).toThrow(SecretKeyError);
  });

  it("rejects keys that are not 32 bytes", () => {
    expect(() => buildKeyring("k1", Buffer.from("short").toString("base64"))).toThrow(/32 bytes/);
  });
});
