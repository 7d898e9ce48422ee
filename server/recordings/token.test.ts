import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildKeyring } from "@/server/crypto/envelope";
import { recordingToken, verifyRecordingToken } from "./token";

const key = () => randomBytes(32).toString("base64");
const ref = { tenantId: "7c0f6a1e-3b1d-4c55-9a43-0e6d5f2b8a11", recordingId: "MToxMDA+Lz8=" };

describe("recording link token", () => {
  it("round-trips, is URL-safe and carries no key", () => {
    const ring = buildKeyring("k1", key());
    const token = recordingToken(ref, ring);
    expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(verifyRecordingToken(token, ring)).toEqual(ref);
  });

  it("refuses a forged, altered, foreign-key or malformed token", () => {
    const ring = buildKeyring("k1", key());
    const token = recordingToken(ref, ring);
    const [id, body, sig] = token.split(".") as [string, string, string];
    const other = { ...ref, tenantId: "0b7d2f3c-1a2b-4c3d-8e9f-001122334455" };
    const otherBody = recordingToken(other, ring).split(".")[1]!;
    expect(verifyRecordingToken(`${id}.${otherBody}.${sig}`, ring)).toBeNull();
    expect(verifyRecordingToken(`${id}.${body}.${"A".repeat(43)}`, ring)).toBeNull();
    expect(verifyRecordingToken(recordingToken(ref, buildKeyring("k1", key())), ring)).toBeNull();
    expect(verifyRecordingToken(`k9.${body}.${sig}`, ring)).toBeNull();
    for (const bad of [
      "",
      "x",
      "a.b",
      "a.b.c.d",
      `${id}.${body}.${sig}x`,
      "%00.%2e.%2f",
      "k1..",
      "x".repeat(5000),
    ])
      expect(verifyRecordingToken(bad, ring)).toBeNull();
  });

  it("still opens a token signed by a retired key kept in the keyring", () => {
    const oldKey = key();
    const token = recordingToken(ref, buildKeyring("k1", oldKey));
    expect(verifyRecordingToken(token, buildKeyring("k2", key(), `k1:${oldKey}`))).toEqual(ref);
  });
});
