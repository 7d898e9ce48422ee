import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { emulatorAndReceiverPerFile } from "./test-lifecycle";
import { advance, control, DEMO, mangoPost, type Receiver } from "./test-support";

/**
 * Recordings (SPEC §3.5): POST queries/recording/post → 302 to a single-use file link; the GET link signed
 * with sha256(key + timestamp + recording_id + salt) — a different formula, computed here independently.
 */

let url: string;
let rx: Receiver;
let recordingId: string;
emulatorAndReceiverPerFile((e) => {
  ({ url, rx } = e);
});
beforeEach(async () => {
  await control(url, "scenarios", {
    type: "incoming",
    from: "79991234567",
    ring: ["101"],
    answeredBy: "101",
    recorded: true,
  });
  await advance(url, 300_000);
  recordingId = String(rx.of("events/record/added")[0]?.recording_id);
});

const linkSign = (ts: string, rid: string) =>
  createHash("sha256")
    .update(DEMO.key + ts + rid + DEMO.salt)
    .digest("hex");

describe("recordings", () => {
  it("recording/post redirects to a one-shot mp3 link", async () => {
    const r = await mangoPost(url, "queries/recording/post", {
      recording_id: recordingId,
      action: "download",
    });
    expect(r.status).toBe(302);
    const location = String(r.headers.get("location"));
    const first = await fetch(location);
    expect(first.status).toBe(200);
    expect((await first.arrayBuffer()).byteLength).toBeGreaterThan(100);
    expect((await fetch(location)).status).toBe(404);
  });

  it("unknown recording → 3320", async () => {
    const r = await mangoPost(url, "queries/recording/post", { recording_id: "bm9wZQ==", action: "play" });
    expect(r.body).toEqual({ code: 3320 });
  });

  it("GET link with the documented signature redirects; a wrong or expired one is refused", async () => {
    const now = Math.floor(Number((await control(url, "clock")).now) / 1000);
    const ts = String(now + 3600);
    const rid = encodeURIComponent(recordingId);
    const ok = await fetch(
      `${url}/vpbx/queries/recording/link/${rid}/play/${DEMO.key}/${ts}/${linkSign(ts, recordingId)}`,
      {
        redirect: "manual",
      },
    );
    expect(ok.status).toBe(302);
    expect((await fetch(String(ok.headers.get("location")))).headers.get("content-type")).toBe("audio/mp3");
    const bad = await fetch(
      `${url}/vpbx/queries/recording/link/${rid}/play/${DEMO.key}/${ts}/${"0".repeat(64)}`,
      {
        redirect: "manual",
      },
    );
    expect(bad.status).toBe(420);
    expect(await bad.json()).toEqual({ code: 3102 });
    const old = String(now - 10);
    const expired = await fetch(
      `${url}/vpbx/queries/recording/link/${rid}/play/${DEMO.key}/${old}/${linkSign(old, recordingId)}`,
      {
        redirect: "manual",
      },
    );
    expect(expired.status).toBe(403);
  });

  it("recordingDelaySeconds: the recording completes minutes after the summary, and only then is it stored", async () => {
    rx.events.length = 0;
    await control(url, "scenarios", {
      type: "incoming",
      from: "79991234568",
      ring: ["101"],
      answeredBy: "101",
      talkSeconds: 30,
      recorded: true,
      recordingDelaySeconds: 600,
    });
    await advance(url, 120_000);
    expect(rx.of("events/summary")).toHaveLength(1);
    const started = rx.of("events/recording");
    expect(started.map((e) => e.recording_state)).toEqual(["Started"]);
    expect(rx.of("events/record/added")).toHaveLength(0);
    const late = String(started[0]?.recording_id);
    const early = await mangoPost(url, "queries/recording/post", { recording_id: late, action: "play" });
    expect(early.body).toEqual({ code: 3320 });

    await advance(url, 600_000);
    const states = rx.of("events/recording").map((e) => e.recording_state);
    expect(states).toEqual(["Started", "Completed"]);
    const completed = rx.of("events/recording")[1]!;
    const summaryAt = Number(rx.of("events/summary")[0]?.end_time ?? rx.of("events/summary")[0]?.timestamp);
    expect(Number(completed.timestamp) - summaryAt).toBeGreaterThanOrEqual(600);
    expect(rx.of("events/record/added").map((e) => e.recording_id)).toEqual([late]);
    const r = await mangoPost(url, "queries/recording/post", { recording_id: late, action: "play" });
    expect(r.status).toBe(302);
  });
});
