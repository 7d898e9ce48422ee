import type { ServerResponse } from "node:http";
import { ApiError, type Ctx, type Handler, str } from "../context";
import { sendEmpty, sendJson } from "../http";
import { recordingLinkSign } from "../sign";

/**
 * Recordings (SPEC §3.5): POST queries/recording/post → 302 to a one-shot file link; the GET link variant
 * signed with sha256(key + timestamp + recording_id + salt); files served under /files/<token> (standing in
 * for files.mango-office.ru). Tokens are single-use, like MANGO's temporary links.
 */

const tokens = new WeakMap<Ctx, Map<string, string>>();
let tokenSeq = 0;

function issueToken(ctx: Ctx, recordingId: string): string {
  let map = tokens.get(ctx);
  if (!map) {
    map = new Map();
    tokens.set(ctx, map);
  }
  tokenSeq += 1;
  const token = Buffer.from(`${recordingId}:${tokenSeq}:${ctx.clock.now()}`).toString("base64url");
  map.set(token, recordingId);
  return token;
}

function findRecording(ctx: Ctx, recordingId: string) {
  for (const p of ctx.state.pbxes) {
    const r = p.recordings.find((x) => x.recordingId === recordingId);
    if (r) return { pbx: p, rec: r };
  }
  return undefined;
}

export const recordingPost: Handler = (ctx, pbx, body) => {
  const id = str(body, "recording_id", true);
  const action = str(body, "action") ?? "download";
  if (action !== "download" && action !== "play") throw new ApiError(3104, "action must be download|play");
  const rec = pbx.recordings.find((r) => r.recordingId === id && r.completed);
  if (!rec) throw new ApiError(3320, "recording not found");
  return { status: 302, headers: { location: `${ctx.baseUrl}/files/${issueToken(ctx, id)}` } };
};

/** A tiny but valid-looking MP3 (ID3v2 header + one silent MPEG frame header) so clients can store "audio". */
function fakeMp3(recordingId: string): Buffer {
  const id3 = Buffer.from([0x49, 0x44, 0x33, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
  const frame = Buffer.alloc(417, 0);
  frame.set([0xff, 0xfb, 0x90, 0x64], 0);
  return Buffer.concat([id3, frame, Buffer.from(recordingId)]);
}

/** GET routes: /vpbx/queries/recording/link/…, /files/<token>. Returns false when the path is not ours. */
export function handleRecordingGet(ctx: Ctx, path: string, res: ServerResponse): boolean {
  const link = /^\/vpbx\/queries\/recording\/link\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/?$/.exec(
    path,
  );
  if (link) {
    const [recordingId, action, key, timestamp, sign] = link.slice(1).map((s) => decodeURIComponent(s ?? ""));
    const pbx = ctx.state.byKey(key ?? "");
    if (!pbx) {
      sendJson(res, 420, { code: 3105 });
      return true;
    }
    if (recordingLinkSign(pbx.apiKey, timestamp ?? "", recordingId ?? "", pbx.salt) !== sign) {
      sendJson(res, 420, { code: 3102 });
      return true;
    }
    if (Number(timestamp) < ctx.clock.nowSeconds()) {
      sendEmpty(res, 403);
      return true;
    }
    const found = findRecording(ctx, recordingId ?? "");
    if (!found || found.pbx !== pbx || !found.rec.completed || (action !== "play" && action !== "download")) {
      sendJson(res, 420, { code: 3320 });
      return true;
    }
    sendEmpty(res, 302, { location: `${ctx.baseUrl}/files/${issueToken(ctx, found.rec.recordingId)}` });
    return true;
  }
  const file = /^\/files\/([^/]+)$/.exec(path);
  if (file) {
    const map = tokens.get(ctx);
    const token = file[1] ?? "";
    const recId = map?.get(token);
    if (!recId) {
      sendEmpty(res, 404);
      return true;
    }
    map?.delete(token);
    const body = fakeMp3(recId);
    res.writeHead(200, { "content-type": "audio/mp3", "content-length": body.length });
    res.end(body);
    return true;
  }
  return false;
}
