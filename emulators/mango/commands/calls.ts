import { type Ctx, type Handler, int, obj, ok, str } from "../context";
import { mangoNumber } from "../simulator/incoming";
import { startCallback } from "../simulator/outbound";
import { routeCall } from "../simulator/route";
import type { CallOutcome } from "../state";
import type { Employee, Pbx } from "../types";

/**
 * Call-control commands (SPEC §3.2). The synchronous answer is only an acknowledgement ({"result":1000});
 * the outcome arrives later at <events base>/result/<command>. Structural problems (missing/wrong-typed
 * fields) are refused synchronously with 3103/3104; semantic ones (unknown extension) come back in the result.
 */

const ACK = { result: 1000 };

/** Post `result/<path>` right away (on the emulator clock — a frozen clock still delivers what is due). */
export function postResult(
  ctx: Ctx,
  pbx: Pbx,
  path: string,
  commandId: string | undefined,
  result: number,
): void {
  ctx.clock.schedule(ctx.clock.now(), () => {
    const p = ctx.state.byId(pbx.id);
    if (p) ctx.engine.result(p, path, commandId, result);
  });
}

/** Consumes the first matching outcome rule set through /__control/callback-outcomes. */
export function pickOutcome(
  ctx: Ctx,
  toNumber: string,
): { outcome: CallOutcome; talkSeconds?: number; recorded?: boolean } {
  const rules = ctx.state.settings.callbackRules;
  const idx = rules.findIndex(
    (r) => r.toNumber === null || mangoNumber(r.toNumber) === mangoNumber(toNumber),
  );
  const rule = rules[idx];
  if (!rule) return { outcome: "answered" };
  if (rule.remaining !== undefined) {
    rule.remaining -= 1;
    if (rule.remaining <= 0) rules.splice(idx, 1);
  }
  return rule;
}

function lineOk(pbx: Pbx, line: string | undefined): boolean {
  if (line === undefined) return true;
  return pbx.lines.some((l) => l.number === mangoNumber(line) || l.number === line || l.name === line);
}

const callback: Handler = (ctx, pbx, body) => {
  const commandId = str(body, "command_id");
  const from = obj(body, "from", true) ?? {};
  const ext = str(from, "extension", true);
  const fromNumber = str(from, "number");
  const to = str(body, "to_number", true);
  const line = str(body, "line_number");
  const headers = obj(body, "sip_headers");
  // Only "Call-Info/answer-after" is allowed for this method; others are silently ignored, like MANGO does.
  const answerAfter = headers?.["Call-Info/answer-after"];
  const operatorAnswerMs =
    typeof answerAfter === "string" && /^\d+$/.test(answerAfter)
      ? Math.max(200, Number(answerAfter) * 1000)
      : undefined;
  const emp = pbx.employees.find((e) => e.extension === ext);
  if (!emp || !lineOk(pbx, line)) {
    postResult(ctx, pbx, "result/callback", commandId, 3100);
    return ok(ACK);
  }
  const o = pickOutcome(ctx, to);
  startCallback(ctx.engine, pbx, {
    employee: emp,
    toNumber: to,
    fromNumber,
    lineNumber: line,
    outcome: o.outcome,
    talkSeconds: o.talkSeconds ?? 30,
    recorded: o.recorded ?? false,
    commandId,
    resultPath: "result/callback",
    operatorAnswerMs,
  });
  return ok(ACK);
};

function firstFreeOperator(pbx: Pbx, groupExt: string): Employee | undefined {
  const g = pbx.groups.find((x) => x.extension === groupExt);
  if (!g) return undefined;
  const ops = [...g.operators].sort((a, b) => a.priority - b.priority);
  for (const o of ops) {
    const e = pbx.employees.find((x) => x.userId === o.userId);
    if (e && !e.busy) return e;
  }
  return undefined;
}

/** callback_group: exactly one of from/to is a group short number; the group's first free operator is rung. */
const callbackGroup: Handler = (ctx, pbx, body) => {
  const commandId = str(body, "command_id");
  const from = str(body, "from", true);
  const to = str(body, "to", true);
  const line = str(body, "line_number", true);
  const fromIsGroup = pbx.groups.some((g) => g.extension === from);
  const toIsGroup = pbx.groups.some((g) => g.extension === to);
  const groupExt = fromIsGroup ? from : to;
  const external = fromIsGroup ? to : from;
  const op = fromIsGroup !== toIsGroup ? firstFreeOperator(pbx, groupExt) : undefined;
  if (fromIsGroup === toIsGroup || !lineOk(pbx, line)) {
    postResult(ctx, pbx, "result/callback_group", commandId, 3100);
    return ok(ACK);
  }
  if (!op) {
    postResult(ctx, pbx, "result/callback_group", commandId, 1160);
    return ok(ACK);
  }
  const o = pickOutcome(ctx, external);
  startCallback(ctx.engine, pbx, {
    employee: op,
    toNumber: external,
    lineNumber: line,
    outcome: o.outcome,
    talkSeconds: o.talkSeconds ?? 30,
    recorded: o.recorded ?? false,
    commandId,
    resultPath: "result/callback_group",
    acdGroup: groupExt,
  });
  return ok(ACK);
};

const hangup: Handler = (ctx, pbx, body) => {
  const commandId = str(body, "command_id");
  const callId = str(body, "call_id", true);
  const ended = ctx.engine.hangup(pbx, callId);
  postResult(ctx, pbx, "result/call/hangup", commandId, ended ? 1000 : 4101);
  return ok(ACK);
};

const recordingStart: Handler = (ctx, pbx, body) => {
  const commandId = str(body, "command_id");
  const callId = str(body, "call_id", true);
  const party = str(body, "call_party_number", true);
  const known = pbx.employees.some(
    (e) => e.extension === party || e.numbers.some((n) => n.number === party || n.number === `sip:${party}`),
  );
  // The result must not overtake the Started event it refers to, so both go through the clock in order.
  ctx.clock.schedule(ctx.clock.now(), () => {
    const code = known ? ctx.engine.startRecordingByCommand(pbx, callId, commandId) : 3330;
    ctx.engine.result(pbx, "result/recording/start", commandId, code);
  });
  return ok(ACK);
};

const route: Handler = (ctx, pbx, body) => {
  const commandId = str(body, "command_id");
  const callId = str(body, "call_id", true);
  const to = str(body, "to_number", true);
  obj(body, "sip_headers");
  // Through the clock so the result precedes the legs it causes (MANGO does not guarantee this order either).
  ctx.clock.schedule(ctx.clock.now(), () => {
    const p = ctx.state.byId(pbx.id);
    if (!p) return;
    const code = routeCall(ctx.engine, p, callId, to);
    ctx.engine.result(p, "result/route", commandId, code);
  });
  return ok(ACK);
};

/**
 * Commands the emulator accepts but does not simulate: they are acknowledged and answered with 4101 when the
 * call is not live, else 4001 ("команда не поддерживается") — a documented code, so clients exercise that path.
 */
function unsupportedOnCall(path: string, required: string[], intFields: string[] = []): Handler {
  return (ctx, pbx, body) => {
    const commandId = str(body, "command_id");
    for (const f of required) str(body, f, true);
    for (const f of intFields) int(body, f, true);
    obj(body, "sip_headers");
    const callId = str(body, "call_id") ?? str(body, "holded_call_id") ?? "";
    postResult(ctx, pbx, path, commandId, ctx.engine.findLeg(pbx, callId) ? 4001 : 4101);
    return ok(ACK);
  };
}

export const callHandlers: Record<string, Handler> = {
  "commands/callback": callback,
  "commands/callback_group": callbackGroup,
  "commands/call/hangup": hangup,
  "commands/recording/start": recordingStart,
  "commands/route": route,
  "commands/transfer": unsupportedOnCall("result/transfer", ["call_id", "to_number", "initiator"]),
  "commands/transfer_cancel": unsupportedOnCall("result/transfer_cancel", ["call_id"]),
  "commands/calls_connect": unsupportedOnCall("result/calls_connect", [
    "holded_call_id",
    "transferred_call_id",
  ]),
  "commands/call/hold/on": unsupportedOnCall("result/call/hold/on", ["call_id", "initiator"]),
  "commands/play/start": unsupportedOnCall("result/play/start", ["call_id"], ["internal_id"]),
};
