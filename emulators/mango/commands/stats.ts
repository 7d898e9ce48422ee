import { ApiError, type Handler, obj, ok, str } from "../context";
import type { CallHistory, StatsRequest } from "../types";

/**
 * Basic statistics (SPEC §3.4.1): stats/request → {"key"}; stats/result → 204 until ready (5 s of emulator
 * time), then 200 with a ';'-separated CSV; 404 for an unknown key. When the request carried a request_id,
 * result/stat {key, request_id} is pushed once the data is ready.
 */

const DEFAULT_FIELDS = [
  "records",
  "start",
  "finish",
  "answer",
  "from_extension",
  "from_number",
  "to_extension",
  "to_number",
  "disconnect_reason",
  "line_number",
  "location",
];
const KNOWN = new Set([...DEFAULT_FIELDS, "entry_id", "create"]);
const READY_AFTER_MS = 5000;
const MAX_PERIOD_S = 31 * 86400;

function column(h: CallHistory, f: string): string {
  switch (f) {
    case "records":
      return `[${h.recordings.join(",")}]`;
    case "start":
    case "create":
      return String(h.start);
    case "finish":
      return String(h.finish);
    case "answer":
      return String(h.answer);
    case "from_extension":
      return h.fromExtension;
    case "from_number":
      return h.fromNumber;
    case "to_extension":
      return h.toExtension;
    case "to_number":
      return h.toNumber;
    case "disconnect_reason":
      return String(h.disconnectReason);
    case "line_number":
      return h.lineNumber;
    case "location":
      return h.location;
    case "entry_id":
      return h.entryId;
    default:
      return "";
  }
}

const statsRequest: Handler = (ctx, pbx, body) => {
  const from = Number(str(body, "date_from", true));
  const to = Number(str(body, "date_to", true));
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from || to - from > MAX_PERIOD_S) {
    throw new ApiError(3111, "bad date_from/date_to");
  }
  const fieldsRaw = str(body, "fields");
  const fields = fieldsRaw ? fieldsRaw.split(",").map((f) => f.trim()) : DEFAULT_FIELDS;
  if (fields.some((f) => !KNOWN.has(f))) throw new ApiError(3104, "unknown field");
  for (const k of ["from", "to", "call_party"]) obj(body, k);
  const key = ctx.state.nextStatsKey();
  const req: StatsRequest = {
    key,
    requestId: str(body, "request_id") ?? null,
    dateFrom: from,
    dateTo: to,
    fields,
    readyAt: ctx.clock.now() + READY_AFTER_MS,
  };
  pbx.statsRequests.push(req);
  if (req.requestId !== null) {
    const requestId = req.requestId;
    ctx.clock.schedule(req.readyAt, () => {
      const p = ctx.state.byId(pbx.id);
      if (p) ctx.delivery.send(p, "result/stat", { key, request_id: requestId });
    });
  }
  return ok({ key });
};

const statsResult: Handler = (ctx, pbx, body) => {
  const key = str(body, "key", true);
  const req = pbx.statsRequests.find((r) => r.key === key);
  if (!req) return { status: 404 };
  if (ctx.clock.now() < req.readyAt) return { status: 204 };
  const rows = pbx.history
    .filter((h) => h.start >= req.dateFrom && h.start <= req.dateTo)
    .map((h) => req.fields.map((f) => column(h, f)).join(";"));
  // CRLF row ends like the real-traffic fixture clients are tested against (spec text says "\n"; both parse).
  return { status: 200, text: rows.map((r) => `${r}\r\n`).join(""), contentType: "text/csv; charset=utf-8" };
};

export const statsHandlers: Record<string, Handler> = {
  "stats/request": statsRequest,
  "stats/result": statsResult,
};
