import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobRuns } from "@/db/schema";
import { attachRecording } from "@/server/calls/jobs";
import { streamRecording } from "@/server/recordings/stream";
import { recordingToken } from "@/server/recordings/token";
import { ANSWERED_STAGE, type LogWorld, MISSED_STAGE, startLogWorld } from "@/test/calls-world";
import { serveHandler } from "@/test/http-bridge";
import { attachRecordingToLoggedCall } from "./attach-recording";

/**
 * Issue 15, late recordings: a recording MANGO completes minutes after the call was logged is attached to the
 * call already in amoCRM (its call note's `link`), once; the link is our route, which streams the recording
 * from MANGO without ever showing MANGO's signed URL.
 */
let w: LogWorld;
let route: Awaited<ReturnType<typeof serveHandler>>;

beforeAll(async () => {
  w = await startLogWorld();
  // Our recording route on a real HTTP port, reading this test's database.
  route = await serveHandler(async (req) => {
    const m = /^\/api\/recordings\/([^/]+)$/.exec(new URL(req.url).pathname);
    return m
      ? streamRecording(w.t.db, { token: decodeURIComponent(m[1]!), range: req.headers.get("range") })
      : new Response("not found", { status: 404 });
  });
});
afterAll(async () => {
  await route?.close();
  await w?.close();
});

type Note = {
  id: number;
  entity_type: string;
  entity_id: number;
  note_type: string;
  params: Record<string, unknown>;
};
const callNoteOf = async (entryId: string) =>
  ((await w.amoState()).notes as Note[]).filter(
    (n) => (n.note_type === "call_in" || n.note_type === "call_out") && n.params.uniq === entryId,
  );
const notePatches = async () => {
  const res = await fetch(`${w.amo.url}/__control/requests`);
  const log = (await res.json()) as { method: string; path: string }[];
  return log.filter((r) => r.method === "PATCH" && r.path.endsWith("/notes"));
};
/** The route's URL for the link's path: the link names APP_URL, the test serves the route elsewhere. */
const onRoute = (link: string) => `${route.url}${new URL(link).pathname}`;

describe("late recordings", () => {
  it("a recording completing 10 minutes after the call is attached to the logged call once, as an Amango link that streams it", async () => {
    await w.settings({
      calls: {
        newClientAction: "contact_and_deal",
        answeredStage: ANSWERED_STAGE,
        missedStage: MISSED_STAGE,
      },
    });
    await w.mangoControl("clock", { freeze: true });
    const { entry_id: entryId } = (await w.mangoControl("scenarios", {
      type: "incoming",
      from: "+79991235001",
      ring: ["101"],
      answeredBy: "101",
      talkSeconds: 40,
      recorded: true,
      recordingDelaySeconds: 600,
    })) as { entry_id: string };

    // The call ends and is logged; its recording is still being processed at MANGO.
    await w.advance(120_000);
    const [before] = await callNoteOf(entryId);
    expect(before).toBeDefined();
    expect(before!.params.link).toBeUndefined();
    expect((await w.callLog(entryId))?.recordingAttachedAt).toBeNull();
    const patchesBefore = (await notePatches()).length;

    // Ten minutes later the recording completes (events/recording Completed, then events/record/added), each
    // event delivered twice.
    await w.faults({ duplicateEvents: true });
    await w.advance(600_000);
    await w.faults({ duplicateEvents: false });

    const notes = await callNoteOf(entryId);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.id).toBe(before!.id);
    const link = String(notes[0]!.params.link);
    expect(link).toMatch(/^https?:\/\/[^/]+\/api\/recordings\/[A-Za-z0-9_.-]+$/);
    // Nothing of MANGO's: no query (MANGO's links carry vpbx_api_key and sign), no key, no MANGO host or path.
    expect(new URL(link).search).toBe("");
    expect(link).not.toContain("demo-vpbx-key");
    expect(link).not.toContain("/vpbx/");
    expect(link).not.toContain(new URL(w.mango.url).host);
    expect(notes[0]!.params).toMatchObject({ ...before!.params, link });
    expect((await notePatches()).length - patchesBefore).toBe(1);
    const log = await w.callLog(entryId);
    expect(log?.recordingAttachedAt).not.toBeNull();
    const runs = await w.t.db.select().from(jobRuns).where(eq(jobRuns.jobId, attachRecording.id));
    expect(runs.map((r) => r.status)).toEqual(["done"]);

    // A duplicate recording event later (a new run of the attach) changes nothing in amoCRM.
    const again = await attachRecordingToLoggedCall(w.t.db, {
      tenantId: w.tenant.id,
      callId: log!.callId,
      recordingId: log!.recordingId!,
    });
    expect(again.status).toBe("skipped");
    expect((await notePatches()).length - patchesBefore).toBe(1);
    expect((await callNoteOf(entryId))[0]!.params.link).toBe(link);

    // Played from amoCRM: our route fetches the recording from MANGO and streams its bytes.
    const played = await fetch(onRoute(link));
    expect(played.status).toBe(200);
    expect(played.headers.get("content-type")).toBe("audio/mpeg");
    const bytes = Buffer.from(await played.arrayBuffer());
    expect(bytes.subarray(0, 3).toString()).toBe("ID3");
    expect(bytes.subarray(-log!.recordingId!.length).toString()).toBe(log!.recordingId);
    // The file link MANGO gives is single-use: playing it again asks MANGO again.
    expect((await fetch(onRoute(link))).status).toBe(200);
  });

  it("a forged, altered, foreign or hostile token is answered 404, never 500", async () => {
    const [log] = await w.t.db.query.callLogs.findMany({
      where: (l, { isNotNull }) => isNotNull(l.recordingId),
    });
    const recordingId = log!.recordingId!;
    const good = recordingToken({ tenantId: w.tenant.id, recordingId });
    const [keyId, body, sig] = good.split(".") as [string, string, string];
    const flipped = `${sig.slice(0, -2)}${sig.endsWith("AA") ? "BB" : "AA"}`;
    const tokens = [
      `${keyId}.${body}.${flipped}`, // forged signature
      `${keyId}.${Buffer.from(JSON.stringify([w.tenant.id, "b3RoZXI="])).toString("base64url")}.${sig}`, // altered
      recordingToken({ tenantId: randomUUID(), recordingId }), // another (unknown) tenant, validly signed
      recordingToken({ tenantId: w.tenant.id, recordingId: "bm9wZQ==" }), // no such recording at MANGO
      "..%2F..%2Fetc%2Fpasswd",
      "%00",
      "x".repeat(4000),
    ];
    for (const token of tokens) {
      const res = await fetch(`${route.url}/api/recordings/${encodeURIComponent(token)}`);
      expect(res.status, token.slice(0, 40)).toBe(404);
      await res.arrayBuffer();
    }
    expect((await fetch(`${route.url}/api/recordings/${good}`)).status).toBe(200);
  });

  it("passes on only audio and a range; a file host that fails is answered 502, not 500", async () => {
    const [log] = await w.t.db.query.callLogs.findMany({
      where: (l, { isNotNull }) => isNotNull(l.recordingId),
    });
    const token = recordingToken({ tenantId: w.tenant.id, recordingId: log!.recordingId! });
    const asked: (string | null)[] = [];
    const fileHost = (status: number, type: string) =>
      (async (_url: string | URL | Request, init?: RequestInit) => {
        asked.push(new Headers(init?.headers).get("range"));
        return new Response("<html>x</html>", {
          status,
          headers: { "content-type": type, "set-cookie": "s=1", "content-range": "bytes 0-13/14" },
        });
      }) as typeof fetch;
    const html = await streamRecording(
      w.t.db,
      { token, range: "bytes=0-13" },
      { fetch: fileHost(206, "text/html") },
    );
    expect(html.status).toBe(206);
    expect(html.headers.get("content-type")).toBe("application/octet-stream");
    expect(html.headers.get("content-range")).toBe("bytes 0-13/14");
    expect(html.headers.get("set-cookie")).toBeNull();
    expect(asked).toEqual(["bytes=0-13"]);
    const hostile = await streamRecording(
      w.t.db,
      { token, range: "bytes=0-1\r\nX: y" },
      { fetch: fileHost(200, "audio/ogg; codecs=opus") },
    );
    expect(hostile.headers.get("content-type")).toBe("audio/ogg");
    expect(asked[1]).toBeNull();
    const failed = await streamRecording(w.t.db, { token }, { fetch: fileHost(500, "text/plain") });
    expect(failed.status).toBe(502);
  });
});
