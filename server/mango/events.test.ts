import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SAMPLES_DIR } from "@/test/mango-fetch";
import { callEventSchema, eventKindFromPath, eventSchema, summaryEventSchema } from "./event-types";
import {
  eventIdentity,
  parseMangoEvent,
  toCallEvent,
  toCallSummary,
  toCommandResult,
  toRecordingEvent,
  toSmsDelivery,
} from "./events";

const sample = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(SAMPLES_DIR, "mango", name), "utf8"));

describe("eventKindFromPath", () => {
  it("matches on the suffix, with or without a trailing slash or a versioned base", () => {
    expect(eventKindFromPath("/api/mango/abc/events/call")).toBe("events/call");
    expect(eventKindFromPath("/vpbx/api/v1/events/call/")).toBe("events/call");
    expect(eventKindFromPath("events/record/added")).toBe("events/record/added");
    expect(eventKindFromPath("/x/result/call/hangup")).toBe("result/call/hangup");
    expect(eventKindFromPath("/x/result/transfer_cancel/")).toBe("result/transfer_cancel");
    expect(eventKindFromPath("/x/result/calls_connect/")).toBe("result/calls_connect");
    expect(eventKindFromPath("/x/result/stats")).toBe("result/stat");
    expect(eventKindFromPath("/x/ping")).toBe("ping");
    expect(eventKindFromPath("/x/events/unknown")).toBeNull();
  });
});

describe("events/call", () => {
  it("reads quoted numbers and keeps unknown fields", () => {
    const [first] = sample("events-call-sequence-outgoing.json") as unknown[];
    const parsed = callEventSchema.parse({ ...(first as object), brand_new_field: { x: 1 } });
    expect(parsed.seq).toBe(1);
    expect(parsed.timestamp).toBe(1399906976);
    expect((parsed as Record<string, unknown>).brand_new_field).toEqual({ x: 1 });
  });

  it("turns the callback legs into domain events: leg 1 shows the destination as `from`", () => {
    const [, leg1] = sample("events-call-sequence-callback.json") as object[];
    const e = toCallEvent(callEventSchema.parse(leg1));
    expect(e).toMatchObject({
      entryId: "232wc3e3w3s222",
      callId: "100:500:251",
      seq: 1,
      state: "Appeared",
      location: "abonent",
      from: { extension: "5555", number: "74955404444", phone: "+74955404444" },
      to: { extension: "1234", number: "12345678", phone: null },
      commandId: "cmd.2.vpbx.12345.external.system.com.net",
      disconnectReason: null,
    });
  });

  it("reads the disconnected event with line, group and reason", () => {
    const e = toCallEvent(callEventSchema.parse(sample("events-call-disconnected.json")));
    expect(e).toMatchObject({
      state: "Disconnected",
      disconnectReason: 1131,
      lineNumber: "sip:line00000@tech.mangosip.ru",
      to: { extension: "29", acdGroup: "303" },
      from: { phone: "+79001234567", takenFromCallId: "oMNTMyzTzNTo6NxNkDIxOxM3EMNTj" },
    });
  });

  it("keeps a state MANGO may add later instead of refusing the event", () => {
    const base = sample("events-call-appeared-ivr.json") as object;
    expect(toCallEvent(callEventSchema.parse({ ...base, call_state: "Parked" })).state).toBe("Parked");
  });

  it("refuses an event without its identity fields", () => {
    const { call_id: _drop, ...rest } = sample("events-call-appeared-ivr.json") as Record<string, unknown>;
    expect(callEventSchema.safeParse(rest).success).toBe(false);
    expect(() => parseMangoEvent("events/call", "not json")).toThrow();
  });
});

describe("events/summary", () => {
  it("judges answered by talk_time, not by the contradictory entry_result", () => {
    const ivr = toCallSummary(summaryEventSchema.parse(sample("events-summary-ivr-only.json")));
    expect(ivr).toMatchObject({
      answered: false,
      talkSeconds: 0,
      direction: "incoming",
      to: { extension: null },
    });
    const answered = toCallSummary(summaryEventSchema.parse(sample("events-summary-incoming-answered.json")));
    expect(answered).toMatchObject({
      answered: true,
      answeredAt: 1399906980,
      talkSeconds: 10,
      disconnectReason: 1100,
    });
    const missed = toCallSummary(summaryEventSchema.parse(sample("events-summary-outgoing-missed.json")));
    expect(missed).toMatchObject({ direction: "outgoing", answered: false, from: { extension: "123" } });
  });
});

describe("recordings, SMS and command results", () => {
  it("marks a completed recording saved only with completion code 1000", () => {
    const done = toRecordingEvent(
      eventSchema("events/recording").parse(sample("events-recording-completed.CONSTRUCTED.json")),
    );
    expect(done.saved).toBe(true);
    const started = toRecordingEvent(
      eventSchema("events/recording").parse(sample("events-recording-started.json")),
    );
    expect(started).toMatchObject({
      saved: false,
      state: "Started",
      commandId: "cmd.12.vpbx.12345.external.system.com.net",
    });
  });

  it("reads SMS delivery reasons", () => {
    expect(toSmsDelivery(eventSchema("events/sms").parse({ command_id: "a", reason: "4300" }))).toMatchObject(
      {
        delivered: false,
        reason: 4300,
        timestamp: null,
      },
    );
  });

  it("reads results given as strings or numbers", () => {
    expect(toCommandResult(eventSchema("result/callback").parse(sample("result-callback.json")))).toEqual({
      commandId: "cmd.2.vpbx.12345.external.system.com.net",
      result: 1000,
      ok: true,
    });
    expect(
      toCommandResult(eventSchema("result/call/hangup").parse(sample("result-call-hangup.json"))).ok,
    ).toBe(false);
  });
});

describe("eventIdentity", () => {
  const call = callEventSchema.parse(sample("events-call-appeared-ivr.json"));

  it("is the same for a redelivery and differs for the next state of the leg", () => {
    const again = callEventSchema.parse(JSON.parse(JSON.stringify(sample("events-call-appeared-ivr.json"))));
    expect(eventIdentity("events/call", again)).toBe(eventIdentity("events/call", call));
    const next = callEventSchema.parse({
      ...(sample("events-call-appeared-ivr.json") as object),
      seq: 2,
      call_state: "Connected",
    });
    expect(eventIdentity("events/call", next)).not.toBe(eventIdentity("events/call", call));
  });

  it("does not depend on whether MANGO quoted the numbers", () => {
    const quoted = callEventSchema.parse({
      ...(sample("events-call-appeared-ivr.json") as object),
      seq: "1",
    });
    expect(eventIdentity("events/call", quoted)).toBe(eventIdentity("events/call", call));
  });

  it("gives one identity per summary entry, per command result and per recording added", () => {
    const summary = summaryEventSchema.parse(sample("events-summary-incoming-answered.json"));
    expect(eventIdentity("events/summary", summary)).toBe("summary:232wc3e3w3s222");
    const result = eventSchema("result/sms").parse({ command_id: "sms-1", result: 1000 });
    expect(eventIdentity("result/sms", result)).toBe("result/sms:sms-1");
    expect(
      eventIdentity(
        "result/callback",
        eventSchema("result/callback").parse({ command_id: "sms-1", result: 1000 }),
      ),
    ).not.toBe(eventIdentity("result/sms", result));
    const added = eventSchema("events/record/added").parse(sample("events-record-added.json"));
    expect(eventIdentity("events/record/added", added)).toBe("record-added:MToxMDAwNjA4NTo1MDA5NDExMDIyOjE=");
  });

  it("separates SMS reports by reason and falls back to the payload without a command id", () => {
    const sms = eventSchema("events/sms");
    expect(eventIdentity("events/sms", sms.parse({ command_id: "c", reason: 1000 }))).not.toBe(
      eventIdentity("events/sms", sms.parse({ command_id: "c", reason: 4301 })),
    );
    const anonymous = eventSchema("result/callback").parse({ result: 1000 });
    expect(eventIdentity("result/callback", anonymous)).toMatch(/^result\/callback:[0-9a-f]{32}$/);
  });
});
