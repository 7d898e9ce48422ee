// GET /api/recordings/<token>: a recording played from amoCRM. The token (./token.ts) names the tenant and the
// recording; MANGO gives a one-shot file URL for it (queries/recording/post → 302) and the file is streamed
// through as it arrives. Nothing of MANGO's (key, signed URL, file host) reaches the listener.
import type { Db } from "@/db/client";
import { MangoNotConnectedError, mangoClientFor } from "@/server/connections/mango";
import { logger } from "@/server/log/logger";
import { MangoNotFoundError } from "@/server/mango/errors";
import { verifyRecordingToken } from "./token";

const FETCH_TIMEOUT_MS = 30_000;

const notFound = () => new Response("not found", { status: 404, headers: { "cache-control": "no-store" } });

/** What the file host answers that we pass on; anything else (cookies, its own links) stays behind. */
const PASSED_HEADERS = ["content-length", "content-range", "accept-ranges", "last-modified", "etag"];

/** Only audio is played from our origin: whatever else the file host claims becomes a download. */
function contentTypeOf(upstream: string | null): string {
  const type = (upstream ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "audio/mp3") return "audio/mpeg"; // MANGO's spelling; browsers know the registered one
  return /^audio\/[a-z0-9.+-]+$/.test(type) ? type : "application/octet-stream";
}

export async function streamRecording(
  db: Db,
  { token, range }: { token: string; range?: string | null },
  o: { fetch?: typeof fetch } = {},
): Promise<Response> {
  const ref = verifyRecordingToken(token);
  if (!ref) return notFound();
  let fileUrl: string;
  try {
    const mango = await mangoClientFor(db, { tenantId: ref.tenantId });
    fileUrl = await mango.recordingUrl(ref.recordingId, "play");
  } catch (err) {
    // MANGO disconnected since, or the recording is gone (3320) or not stored yet.
    if (err instanceof MangoNotConnectedError || err instanceof MangoNotFoundError) return notFound();
    logger.warn({ err, tenantId: ref.tenantId }, "recording: MANGO did not give the file");
    return new Response("recording unavailable", { status: 502, headers: { "cache-control": "no-store" } });
  }
  const headers: Record<string, string> = {};
  if (range && /^bytes=[0-9, -]{1,100}$/.test(range)) headers.range = range;
  const upstream = await (o.fetch ?? fetch)(fileUrl, {
    headers,
    redirect: "follow",
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  }).catch((err: unknown) => {
    logger.warn({ err, tenantId: ref.tenantId }, "recording: the file host did not answer");
    return null;
  });
  if (!upstream?.body || (upstream.status !== 200 && upstream.status !== 206)) {
    await upstream?.body?.cancel();
    if (upstream?.status === 404) return notFound();
    return new Response("recording unavailable", { status: 502, headers: { "cache-control": "no-store" } });
  }
  const out = new Headers({
    "content-type": contentTypeOf(upstream.headers.get("content-type")),
    "content-disposition": "inline",
    "cache-control": "private, no-store",
    "x-content-type-options": "nosniff",
  });
  for (const name of PASSED_HEADERS) {
    const value = upstream.headers.get(name);
    if (value) out.set(name, value);
  }
  // The body is handed on as a stream: the file is never held whole in memory.
  return new Response(upstream.body, { status: upstream.status, headers: out });
}
