import { z } from "zod";
import { recordIncomingCcCall, startCampaignCall } from "./cc/dialer";
import { pickOutcome } from "./commands/calls";
import type { Ctx } from "./context";
import { startIncoming } from "./simulator/incoming";
import { startCallback, startOutgoing } from "./simulator/outbound";
import type { Employee, Pbx } from "./types";

/**
 * Call scenarios posted to /__control/scenarios. Each produces the same signed event sequence MANGO would
 * send. `instant: true` runs the whole timeline at once by advancing the emulator clock to its end.
 */

const outcome = z.enum([
  "answered",
  "client_no_answer",
  "client_busy",
  "operator_no_answer",
  "operator_busy",
]);
const common = {
  pbx: z.string().default("demo"),
  instant: z.boolean().default(false),
  recorded: z.boolean().optional(),
  /** Recorded calls: the recording completes (and its file is stored) this long after the call ends. */
  recordingDelaySeconds: z.number().nonnegative().max(86_400).optional(),
  /** The call's events/summary is never sent (MANGO documents no retry of a lost webhook). */
  noSummary: z.boolean().optional(),
  /** Events shaped as in MANGO's own examples: string numbers, non-base64 ids, optional keys left out. */
  untidy: z.boolean().optional(),
};

const seconds = z.number().nonnegative().max(3600).optional();

/**
 * What the КЦ operator records about the call (read back through /vpbx/cc/call/): topic ids, a comment, and
 * the seconds after the call until they are saved — `null` means never (the operator skipped post-call
 * processing).
 */
const ccData = {
  topics: z.array(z.number().int()).optional(),
  comment: z.string().optional(),
  commentDelaySeconds: z.number().nonnegative().nullable().optional(),
};

export const scenarioSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("incoming"),
    ...common,
    from: z.string().min(1),
    line: z.string().optional(),
    ring: z.array(z.string()).optional(),
    group: z.string().optional(),
    answeredBy: z.string().optional(),
    busy: z.array(z.string()).optional(),
    talkSeconds: z.number().nonnegative().optional(),
    ringSeconds: z.number().nonnegative().optional(),
    ivrSeconds: z.number().nonnegative().optional(),
    hangupBy: z.enum(["client", "operator"]).optional(),
    dtmf: z.string().optional(),
    dct: z.object({ number: z.string().optional(), type: z.number().int() }).optional(),
    missedReason: z.number().int().optional(),
    hold: z.object({ afterSeconds: seconds, seconds }).optional(),
    transfer: z
      .object({
        method: z.enum(["blind", "consultative"]),
        to: z.string().min(1),
        afterSeconds: seconds,
        ringSeconds: seconds,
        consultSeconds: seconds,
      })
      .optional(),
    ...ccData,
  }),
  z.object({
    type: z.literal("outgoing"),
    ...common,
    from: z.string(),
    to: z.string(),
    line: z.string().optional(),
    outcome: z.enum(["answered", "client_no_answer", "client_busy"]).default("answered"),
    talkSeconds: z.number().nonnegative().default(30),
    ringSeconds: z.number().nonnegative().default(8),
  }),
  z.object({
    type: z.literal("callback"),
    ...common,
    from: z.string(),
    to: z.string(),
    line: z.string().optional(),
    outcome: outcome.optional(),
    talkSeconds: z.number().nonnegative().optional(),
    commandId: z.string().optional(),
  }),
  z.object({
    type: z.literal("campaign"),
    ...common,
    campaignId: z.number().int(),
    taskId: z.number().int().optional(),
    operator: z.string().optional(),
    outcome: outcome.optional(),
    talkSeconds: z.number().nonnegative().optional(),
    ...ccData,
  }),
]);

export type Scenario = z.infer<typeof scenarioSchema>;

export interface ScenarioResult {
  entry_id: string;
  task_id?: number;
  command_id?: string;
}

export function runScenario(ctx: Ctx, input: unknown): ScenarioResult {
  const sc = scenarioSchema.parse(input);
  const pbx = ctx.state.byId(sc.pbx);
  if (!pbx) throw new Error(`unknown pbx ${sc.pbx}`);
  const employee = (ext: string) => {
    const e = pbx.employees.find((x) => x.extension === ext);
    if (!e) throw new Error(`unknown extension ${ext}`);
    return e;
  };
  // An untidy call gets its non-base64 ids when it opens, so the engine must know before the timeline starts.
  ctx.engine.untidyNext = sc.untidy === true;
  let result: ScenarioResult;
  try {
    result = start(ctx, sc, employee);
  } finally {
    ctx.engine.untidyNext = false;
  }
  return finishScenario(ctx, sc, result);
}

function start(ctx: Ctx, sc: Scenario, employee: (ext: string) => Employee): ScenarioResult {
  const pbx = ctx.state.byId(sc.pbx) as Pbx;
  let result: ScenarioResult;
  switch (sc.type) {
    case "incoming": {
      // Refuse typos instead of silently simulating a different call than the test meant.
      for (const ext of [...(sc.ring ?? []), ...(sc.busy ?? []), ...(sc.answeredBy ? [sc.answeredBy] : [])])
        employee(ext);
      if (sc.group && !pbx.groups.some((g) => g.extension === sc.group))
        throw new Error(`unknown group ${sc.group}`);
      if (sc.answeredBy && sc.ring && !sc.ring.includes(sc.answeredBy))
        throw new Error("answeredBy must be one of ring");
      if ((sc.hold || sc.transfer) && !sc.answeredBy) throw new Error("hold and transfer need answeredBy");
      if (sc.hold && sc.transfer) throw new Error("give hold or transfer, not both");
      if (sc.transfer && employee(sc.transfer.to).extension === sc.answeredBy)
        throw new Error("transfer.to must be another employee than answeredBy");
      const entry = startIncoming(ctx.engine, pbx, sc);
      if (sc.topics !== undefined || sc.comment !== undefined || sc.commentDelaySeconds !== undefined)
        recordIncomingCcCall(ctx, pbx, entry, sc);
      result = { entry_id: entry.entryId };
      break;
    }
    case "outgoing":
      result = {
        entry_id: startOutgoing(ctx.engine, pbx, {
          employee: employee(sc.from),
          toNumber: sc.to,
          lineNumber: sc.line,
          outcome: sc.outcome,
          talkSeconds: sc.talkSeconds,
          ringSeconds: sc.ringSeconds,
          recorded: sc.recorded ?? false,
        }).entryId,
      };
      break;
    case "callback": {
      // Same as commands/callback (including result/callback) without needing a signed request.
      const rule = sc.outcome ? undefined : pickOutcome(ctx, sc.to);
      const commandId = sc.commandId ?? ctx.state.nextCommandId("scenario");
      const entry = startCallback(ctx.engine, pbx, {
        employee: employee(sc.from),
        toNumber: sc.to,
        lineNumber: sc.line,
        outcome: sc.outcome ?? rule?.outcome ?? "answered",
        talkSeconds: sc.talkSeconds ?? rule?.talkSeconds ?? 30,
        recorded: sc.recorded ?? rule?.recorded ?? false,
        commandId,
        resultPath: "result/callback",
      });
      result = { entry_id: entry.entryId, command_id: commandId };
      break;
    }
    case "campaign": {
      const r = startCampaignCall(ctx, pbx, { ...sc });
      result = { entry_id: r.entryId, task_id: r.taskId };
      break;
    }
  }
  return result;
}

function finishScenario(ctx: Ctx, sc: Scenario, result: ScenarioResult): ScenarioResult {
  const entry = ctx.engine.entry(result.entry_id);
  if (entry && sc.recordingDelaySeconds !== undefined) entry.recordingDelaySeconds = sc.recordingDelaySeconds;
  if (sc.noSummary) ctx.engine.withholdSummary(result.entry_id);
  if (sc.instant) ctx.clock.flush();
  return result;
}
