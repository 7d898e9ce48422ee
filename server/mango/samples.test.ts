import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SAMPLES_DIR, scriptedFetch } from "@/test/mango-fetch";
import { REQUEST_SAMPLES } from "@/test/mango-sample-requests";
import { createMangoClient } from "./api";
import { MangoInvalidRequestError, MangoRateLimitError } from "./errors";
import { eventSchema, type MangoEventKind } from "./event-types";
import {
  eventIdentity,
  toCallEvent,
  toCallSummary,
  toCommandResult,
  toDtmfEvent,
  toRecordAdded,
  toRecordingEvent,
  toSmsDelivery,
} from "./events";
import {
  toCampaign,
  toCampaignTask,
  toCampaignTaskFromV2,
  toCcCallData,
  toCcTopics,
  toEmployee,
  toGroup,
  toLine,
} from "./transform";
import {
  autoCallbackTaskResponseSchema,
  campaignStatusResponseSchema,
  campaignsResponseSchema,
  ccCallResponseSchema,
  ccTagsResponseSchema,
  commandAckSchema,
  groupsResponseSchema,
  linesResponseSchema,
  taskAddResponseSchema,
  taskGetResponseSchema,
  usersResponseSchema,
  v2TasksResponseSchema,
} from "./types";

/**
 * Every real sample in the reference must be either covered here (parsed by our schemas and transformed,
 * or — for requests — reproduced by our client) or listed in UNCOVERED with the reason. A new sample fails
 * the inventory test until someone decides which.
 */

type Json = Record<string, unknown>;
const read = (file: string): unknown => JSON.parse(readFileSync(path.join(SAMPLES_DIR, file), "utf8"));
const withoutTransport = (o: Json) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith("_")));

function parseEvent(kind: MangoEventKind, sample: unknown) {
  const parsed = eventSchema(kind).parse(sample);
  expect(eventIdentity(kind, parsed)).toMatch(/^[a-z/_-]+:.+/);
  return parsed as never;
}

const eventOf = (kind: MangoEventKind, transform: (e: never) => unknown) => (sample: unknown) => {
  expect(transform(parseEvent(kind, sample))).toBeTruthy();
};

async function errorFor(status: number, body: unknown) {
  const { fetch } = scriptedFetch([{ status, json: body }]);
  const client = createMangoClient({
    baseUrl: "https://mango.test/vpbx",
    apiKey: "k",
    salt: "s",
    fetch,
    maxRetries: 0,
  });
  return client.getLines().then(
    () => null,
    (e: unknown) => e,
  );
}

const COVERED: Record<string, (sample: unknown) => void | Promise<void>> = {
  ...REQUEST_SAMPLES,
  "mango/commands-ack-response.CONSTRUCTED.json": (s) => {
    expect(commandAckSchema.parse(s).result).toBe(1000);
  },
  "mango/config-users-response.json": (s) => {
    const users = usersResponseSchema.parse(s).users.map(toEmployee);
    expect(users.map((u) => u.name)).toEqual(["Ivan", "Pavel"]);
    expect(users[0]?.numbers[1]).toMatchObject({
      number: "74952223311",
      phone: "+74952223311",
      order: 1,
      waitSeconds: 5,
    });
    expect(users[1]?.numbers[1]?.enabled).toBe(false);
  },
  "mango/config-users-response-ext-fields.json": (s) => {
    const users = usersResponseSchema.parse(s).users.map(toEmployee);
    expect(users[0]).toMatchObject({ userId: 300049012, extension: "12", groups: [10048964], email: null });
    expect(users[0]?.numbers[1]?.phone).toBe("+74951212121");
    expect(users[1]).toMatchObject({ extension: "0511", outgoingLine: null, name: "Фыв", numbers: [] });
  },
  "mango/error-420-legacy.json": async (s) => {
    const err = await errorFor(420, s);
    expect(err).toBeInstanceOf(MangoInvalidRequestError);
    expect((err as MangoInvalidRequestError).code).toBe(3104);
  },
  "mango/error-rate-limit-429.json": async (s) => {
    expect(await errorFor(429, s)).toBeInstanceOf(MangoRateLimitError);
  },
  "mango/events-call-appeared-abonent-group.json": eventOf("events/call", toCallEvent),
  "mango/events-call-appeared-ivr.json": eventOf("events/call", toCallEvent),
  "mango/events-call-disconnected.json": eventOf("events/call", toCallEvent),
  "mango/events-call-sequence-outgoing.json": (s) => {
    for (const e of s as unknown[]) eventOf("events/call", toCallEvent)(e);
  },
  "mango/events-call-sequence-callback.json": (s) => {
    for (const e of s as Json[]) {
      const kind = (e._path as MangoEventKind | undefined) ?? "events/call";
      eventOf(kind, kind === "events/call" ? toCallEvent : toCommandResult)(withoutTransport(e));
    }
  },
  "mango/events-dtmf.json": eventOf("events/dtmf", toDtmfEvent),
  "mango/events-record-added.json": eventOf("events/record/added", toRecordAdded),
  "mango/events-recording-started.json": eventOf("events/recording", toRecordingEvent),
  "mango/events-recording-completed.CONSTRUCTED.json": eventOf("events/recording", toRecordingEvent),
  "mango/events-sms.CONSTRUCTED.json": eventOf("events/sms", toSmsDelivery),
  "mango/events-summary-incoming-answered.json": eventOf("events/summary", toCallSummary),
  "mango/events-summary-ivr-only.json": eventOf("events/summary", toCallSummary),
  "mango/events-summary-outgoing-missed.json": eventOf("events/summary", toCallSummary),
  "mango/groups-response.json": (s) => {
    const groups = groupsResponseSchema.parse(s).groups.map(toGroup);
    expect(groups[0]).toMatchObject({ id: 10051250, extension: "41" });
    expect(groups[0]?.operators.map((o) => o.extension)).toEqual(["10", "15"]);
  },
  "mango/incominglines-response.json": (s) => {
    const lines = linesResponseSchema.parse(s).lines.map(toLine);
    expect(lines.map((l) => [l.kind, l.phone])).toEqual([
      ["sip", null],
      ["regional", "+78124072916"],
    ]);
  },
  "mango/result-call-hangup.json": eventOf("result/call/hangup", toCommandResult),
  "mango/result-callback-group.CONSTRUCTED.json": eventOf("result/callback_group", toCommandResult),
  "mango/result-callback.json": eventOf("result/callback", toCommandResult),
  "mango/result-recording-start.json": eventOf("result/recording/start", toCommandResult),
  "mango/result-route.json": eventOf("result/route", toCommandResult),
  "mango/result-sms.CONSTRUCTED.json": eventOf("result/sms", toCommandResult),
  "mango/result-stat.json": (s) => {
    expect(parseEvent("result/stat", s)).toMatchObject({ key: "b3Z7pivetIDB+DvIt8hPJReV8v4MYspQQA==" });
  },
  "mango/result-transfer-cancel.json": eventOf("result/transfer_cancel", toCommandResult),
  "mango-cc/campaign-list-response.json": (s) => {
    const [c] = campaignsResponseSchema.parse(s).campaigns.map(toCampaign);
    expect(c).toMatchObject({ id: 1254251, status: "completed", acceptsTasks: false, endless: null });
  },
  "mango-cc/campaign-start-response.json": (s) => {
    expect(campaignStatusResponseSchema.parse(s).status).toBe(1);
  },
  "mango-cc/cc-call-response.json": (s) => {
    expect(toCcCallData(ccCallResponseSchema.parse(s))).toEqual({
      topicIds: [10017912],
      comments: ["коммент к обращению"],
      operatorUserId: 300025347,
      recordingIds: [],
    });
  },
  "mango-cc/cc-tags-response.json": (s) => {
    const topics = toCcTopics(ccTagsResponseSchema.parse(s));
    expect(topics).toHaveLength(4);
    expect(topics[1]).toMatchObject({ id: 10018013, parentId: 10018009, category: 4, isFolder: false });
  },
  "mango-cc/cc-task-add-autocallback-response.json": (s) => {
    expect(autoCallbackTaskResponseSchema.parse(s)).toMatchObject({
      task_id: 402052290,
      auto_call_task_id: 2052290,
    });
  },
  "mango-cc/task-add-response.json": (s) => {
    expect(taskAddResponseSchema.parse(s).task_id).toBe(3223);
  },
  "mango-cc/task-get-response.json": (s) => {
    const t = toCampaignTask(taskGetResponseSchema.parse(s));
    expect(t).toMatchObject({
      taskId: 11227830,
      campaignId: 56919,
      status: "queued",
      phone: "+375291111111",
    });
  },
  "mango-cc/v2-campaign-tasks-response.json": (s) => {
    const body = v2TasksResponseSchema.parse(s);
    const [t] = body.tasks.map(toCampaignTaskFromV2);
    expect(t).toMatchObject({
      taskId: 1406133592,
      status: "finished",
      comment: "Тестовый коммент3",
      attempts: 1,
    });
    expect(t?.alternativeNumbers).toEqual(["74992887836", "79620769264"]);
  },
};

const UNCOVERED: Record<string, string> = {
  "mango/sign-test-vectors.json": "covered by sign.test.ts (every vector)",
  "mango/commands-route-request.json":
    "commands/route is not part of the client (no product feature re-routes calls)",
  "mango/commands-transfer-request.json":
    "commands/transfer is not part of the client (no product feature transfers calls)",
  "mango/commands-play-start-request.CONSTRUCTED.json": "commands/play/start is not part of the client",
  "mango/stats-request.json": "stats API not used: events/summary is our call record",
  "mango/stats-request-response.json": "stats API not used: events/summary is our call record",
  "mango/stats-result-request.json": "stats API not used: events/summary is our call record",
  "mango/stats-result.CONSTRUCTED.csv": "stats API not used (CSV); constructed, not captured",
};

function sampleFiles(): string[] {
  return ["mango", "mango-cc"].flatMap((dir) =>
    readdirSync(path.join(SAMPLES_DIR, dir))
      .filter((f) => !f.endsWith(".src.txt"))
      .map((f) => `${dir}/${f}`),
  );
}

describe("reference samples", () => {
  it("are each either covered or deliberately uncovered with a reason", () => {
    const files = sampleFiles();
    expect(files.length).toBeGreaterThan(50);
    const unclassified = files.filter((f) => !(f in COVERED) && !(f in UNCOVERED));
    expect(unclassified).toEqual([]);
    const vanished = [...Object.keys(COVERED), ...Object.keys(UNCOVERED)].filter((f) => !files.includes(f));
    expect(vanished).toEqual([]);
  });

  for (const [file, check] of Object.entries(COVERED)) {
    it(`${file} parses and transforms`, async () => {
      await check(read(file));
    });
  }
});
