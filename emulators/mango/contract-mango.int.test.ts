import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ANSWERED_INCOMING,
  acceptedCommand,
  api,
  type Check,
  type ContractEnv,
  clean,
  ev,
  expectAccepted,
  expectShape,
  loadSample,
  one,
  openEnv,
  recordByCommand,
  resetEnv,
  resultShape,
  SMS,
  sampleFiles,
  scenario,
} from "./contract-env";
import { advance, control, DEMO, mangoPost, sha256Sign } from "./test-support";

/**
 * Contract: every sample in samples/mango/ — responses are served in the same shape, requests are accepted,
 * events the emulator emits have the sample's shape. The directory is iterated; a file without a plan fails.
 */

const plans: Record<string, Check | string> = {
  "commands-ack-response.CONSTRUCTED.json": async (env, sample) => {
    const r = await api(env, "commands/callback", {
      command_id: "a1",
      from: { extension: "101" },
      to_number: "79990001122",
    });
    expectShape(sample, r.body);
    expect(r.body).toEqual({ result: 1000 });
  },
  "commands-call-hangup-request.json": acceptedCommand("commands/call/hangup", "result/call/hangup"),
  "commands-callback-group-request.json": acceptedCommand("commands/callback_group", "result/callback_group"),
  "commands-callback-request-minimal.json": acceptedCommand("commands/callback", "result/callback"),
  "commands-callback-request.json": async (env, sample) => {
    await acceptedCommand("commands/callback", "result/callback")(env, sample);
    // Same request with this account's extension and line: executed (result 1000 and call events).
    const mine = {
      ...clean(sample),
      command_id: "cbk-own",
      from: { extension: "101", number: "79161110101" },
      line_number: "74950000000",
    };
    expectAccepted(await api(env, "commands/callback", mine));
    await advance(env.url, 120_000);
    expect(one(ev(env, "result/callback"), (e) => e.command_id === "cbk-own").result).toBe(1000);
    expect(ev(env, "events/call").some((e) => e.command_id === "cbk-own")).toBe(true);
  },
  "commands-play-start-request.CONSTRUCTED.json": acceptedCommand("commands/play/start", "result/play/start"),
  "commands-recording-start-request.json": acceptedCommand(
    "commands/recording/start",
    "result/recording/start",
  ),
  "commands-route-request.json": acceptedCommand("commands/route", "result/route"),
  "commands-sms-request.json": acceptedCommand("commands/sms", "result/sms"),
  "commands-transfer-request.json": acceptedCommand("commands/transfer", "result/transfer"),
  "config-users-request-ext-fields.json": async (env, sample) => {
    const r = await api(env, "config/users/request", sample);
    expectAccepted(r);
    expect((r.body as { users: unknown[] }).users.length).toBeGreaterThan(0);
  },
  "config-users-request.json": async (env, sample) => {
    const r = await api(env, "config/users/request", sample);
    expectAccepted(r);
    expect(Array.isArray((r.body as { users: unknown[] }).users)).toBe(true);
  },
  "config-users-response-ext-fields.json": async (env, sample) => {
    const fields = (loadSample("mango", "config-users-request-ext-fields.json") as { ext_fields: string[] })
      .ext_fields;
    const r = await api(env, "config/users/request", { ext_fields: fields });
    expectShape(sample, r.body);
    expect((r.body as { users: unknown[] }).users).toHaveLength(5);
  },
  "config-users-response.json": async (env, sample) => {
    const r = await api(env, "config/users/request", {});
    expectShape(sample, r.body);
  },
  "error-420-legacy.json": async (env, sample) => {
    const r = await api(env, "commands/callback", { command_id: "x", from: "101", to_number: "79990001122" });
    expect(r.status).toBe(420);
    expectShape(sample, r.body);
    expect(r.body).toEqual({ code: 3104 });
  },
  "error-rate-limit-429.json": async (env, sample) => {
    expect((await api(env, "config/users/request", {})).status).toBe(200);
    const r = await mangoPost(env.url, "config/users/request", {});
    expect(r.status).toBe(429);
    expect(r.body).toEqual(sample);
  },
  "events-call-appeared-abonent-group.json": async (env, sample) => {
    await scenario(env, ANSWERED_INCOMING);
    expectShape(
      sample,
      one(ev(env, "events/call"), (e) => e.call_state === "Appeared" && e.location === "abonent"),
    );
  },
  "events-call-appeared-ivr.json": async (env, sample) => {
    await scenario(env, ANSWERED_INCOMING);
    expectShape(
      sample,
      one(ev(env, "events/call"), (e) => e.call_state === "Appeared" && e.location === "ivr"),
    );
  },
  "events-call-disconnected.json": async (env, sample) => {
    await scenario(env, {
      type: "incoming",
      from: "79001234567",
      group: "201",
      dct: { number: "74001234567", type: 1 },
    });
    expectShape(
      sample,
      one(ev(env, "events/call"), (e) => e.call_state === "Disconnected" && e.location === "abonent"),
    );
  },
  "events-call-sequence-callback.json": async (env, sample) => {
    await control(env.url, "callback-outcomes", { toNumber: "102", outcome: "client_no_answer" });
    const cmd = "cmd.2.vpbx.emulator";
    await api(env, "commands/callback", { command_id: cmd, from: { extension: "101" }, to_number: "102" });
    await advance(env.url, 120_000);
    const seq = env.rx.events
      .filter((e) => (e.path === "result/callback" || e.path === "events/call") && e.json.command_id === cmd)
      .map((e) => e.json);
    const expected = sample as unknown[];
    expect(seq).toHaveLength(expected.length);
    for (const [i, s] of expected.entries()) expectShape(s, seq[i]);
  },
  "events-call-sequence-outgoing.json": async (env, sample) => {
    await scenario(env, { type: "outgoing", from: "101", to: "79990001122", talkSeconds: 20 });
    const calls = ev(env, "events/call");
    expect(calls.map((c) => c.call_state)).toEqual(["Appeared", "Connected", "Disconnected"]);
    for (const [i, s] of (sample as unknown[]).entries()) expectShape(s, calls[i]);
  },
  "events-dtmf.json": async (env, sample) => {
    await scenario(env, { ...ANSWERED_INCOMING, dtmf: "124" });
    expectShape(
      sample,
      one(ev(env, "events/dtmf"), (e) => e.dtmf === "124"),
    );
  },
  "events-record-added.json": async (env, sample) => {
    await scenario(env, ANSWERED_INCOMING);
    expectShape(
      sample,
      one(ev(env, "events/record/added"), () => true),
    );
  },
  "events-recording-completed.CONSTRUCTED.json": async (env, sample) => {
    await scenario(env, ANSWERED_INCOMING);
    expectShape(
      sample,
      one(ev(env, "events/recording"), (e) => e.recording_state === "Completed"),
    );
  },
  "events-recording-started.json": async (env, sample) => {
    await recordByCommand(env);
    expectShape(
      sample,
      one(
        ev(env, "events/recording"),
        (e) => e.recording_state === "Started" && e.command_id === "rec-cmd-1",
      ),
    );
  },
  "events-sms.CONSTRUCTED.json": async (env, sample) => {
    expectAccepted(await api(env, "commands/sms", SMS));
    await advance(env.url, 10_000);
    const e = one(ev(env, "events/sms"), (x) => x.command_id === "sms-1");
    expectShape(sample, e);
    expect(e.reason).toBe(1000);
  },
  "events-summary-incoming-answered.json": async (env, sample) => {
    await scenario(env, ANSWERED_INCOMING);
    const s = one(ev(env, "events/summary"), () => true);
    expectShape(sample, s);
    expect(s.entry_result).toBe(1);
  },
  "events-summary-ivr-only.json": async (env, sample) => {
    await scenario(env, { type: "incoming", from: "79000000000", ring: [] });
    const s = one(ev(env, "events/summary"), () => true);
    expectShape(sample, s);
    expect(s.to).toEqual({});
  },
  "events-summary-outgoing-missed.json": async (env, sample) => {
    await scenario(env, { type: "outgoing", from: "101", to: "79990001122", outcome: "client_no_answer" });
    const s = one(ev(env, "events/summary"), () => true);
    expectShape(sample, s);
    expect(s.entry_result).toBe(0);
  },
  "groups-response.json": async (env, sample) =>
    expectShape(sample, (await api(env, "groups", { show_users: 1 })).body),
  "incominglines-response.json": async (env, sample) =>
    expectShape(sample, (await api(env, "incominglines", {})).body),
  "queries-recording-post-request.json": async (env, sample) => {
    await scenario(env, ANSWERED_INCOMING);
    const rid = one(ev(env, "events/record/added"), () => true).recording_id;
    const r = await api(env, "queries/recording/post", { ...clean(sample), recording_id: rid });
    expect(r.status).toBe(302);
    const file = await fetch(String(r.headers.get("location")));
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("audio/mp3");
  },
  "result-call-hangup.json": resultShape(
    "commands/call/hangup",
    { command_id: "h1", call_id: "no-such-call" },
    "result/call/hangup",
    4101,
  ),
  "result-callback-group.CONSTRUCTED.json": resultShape(
    "commands/callback_group",
    { command_id: "g1", from: "201", to: "79990001122", line_number: "74950000000" },
    "result/callback_group",
    1000,
  ),
  "result-callback.json": resultShape(
    "commands/callback",
    { command_id: "c1", from: { extension: "101" }, to_number: "79990001122" },
    "result/callback",
    1000,
  ),
  "result-recording-start.json": async (env, sample) => {
    await recordByCommand(env);
    const r = one(ev(env, "result/recording/start"), (e) => e.command_id === "rec-cmd-1");
    expectShape(sample, r);
    expect(r.result).toBe(1000);
  },
  "result-route.json": resultShape(
    "commands/route",
    { command_id: "r1", call_id: "gone", to_number: "101" },
    "result/route",
    4101,
  ),
  "result-sms.CONSTRUCTED.json": resultShape("commands/sms", SMS, "result/sms", 1000),
  "result-stat.json": async (env, sample) => {
    const r = await api(env, "stats/request", {
      date_from: "1700000000",
      date_to: "1700086400",
      request_id: "req-1",
    });
    expectAccepted(r);
    await advance(env.url, 6000);
    expectShape(
      sample,
      one(ev(env, "result/stat"), (e) => e.request_id === "req-1"),
    );
  },
  "result-transfer-cancel.json": resultShape(
    "commands/transfer_cancel",
    { command_id: "t1", call_id: "gone" },
    "result/transfer_cancel",
    4101,
  ),
  "sign-test-vectors.json": async (_env, sample) => {
    const s = sample as {
      vpbx_api_key: string;
      vpbx_api_salt: string;
      vectors: Array<{ json: string; sign: string }>;
    };
    for (const v of s.vectors) expect(sha256Sign(s.vpbx_api_key, v.json, s.vpbx_api_salt)).toBe(v.sign);
  },
  "stats-request-response.json": async (env, sample) => {
    expectShape(
      sample,
      (await api(env, "stats/request", { date_from: "1700000000", date_to: "1700086400" })).body,
    );
  },
  "stats-request.json": async (env, sample) => {
    const r = await api(env, "stats/request", sample);
    expect(r.status).toBe(200);
    expect(typeof (r.body as { key: string }).key).toBe("string");
  },
  "stats-result-request.json": async (env, sample) => {
    const { key } = (await api(env, "stats/request", { date_from: "1700000000", date_to: "1700086400" }))
      .body as { key: string };
    await advance(env.url, 6000); // the documented 204 "not ready yet" phase lasts 5 s of emulator time
    expect((await api(env, "stats/result", { ...clean(sample), key })).status).toBe(200);
  },
  "stats-result.CONSTRUCTED.csv": async (env, sample) => {
    await scenario(env, ANSWERED_INCOMING);
    await scenario(env, { type: "incoming", from: "79001234567", ring: ["102"] });
    const now = Math.floor(Number((await control(env.url, "clock")).now) / 1000);
    const fields =
      "records,start,finish,answer,from_extension,from_number,to_extension,to_number,disconnect_reason,line_number,location,entry_id";
    const { key } = (
      await api(env, "stats/request", { date_from: String(now - 86400), date_to: String(now), fields })
    ).body as { key: string };
    await advance(env.url, 6000);
    const r = await api(env, "stats/result", { key });
    expect(r.status).toBe(200);
    const rows = r.text.split(/\r?\n/).filter(Boolean);
    const sampleRows = String(sample).split(/\r?\n/).filter(Boolean);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const cols = row.split(";");
      expect(cols).toHaveLength(sampleRows[0]?.split(";").length ?? -1);
      expect(cols[0]).toMatch(/^\[.*\]$/);
      for (const i of [1, 2, 3, 8]) expect(cols[i]).toMatch(/^\d+$/);
    }
  },
};

describe("MANGO VPBX samples (samples/mango)", () => {
  let env: ContractEnv;
  beforeAll(async () => {
    env = await openEnv();
  });
  afterAll(async () => env.close());
  beforeEach(async () => resetEnv(env));

  const files = sampleFiles("mango");
  it("every sample file has a contract check (or a stated reason)", () => {
    expect(files.length).toBeGreaterThan(40);
    expect(files.filter((f) => !(f in plans))).toEqual([]);
    expect(Object.keys(plans).filter((f) => !files.includes(f))).toEqual([]);
  });
  for (const file of files) {
    it(file, async () => {
      const plan = plans[file];
      if (typeof plan !== "function") throw new Error(`no check for ${file}: ${plan ?? "missing"}`);
      await plan(env, loadSample("mango", file));
    });
  }
  it("uses the seeded demo key", () => expect(DEMO.key).toBe("demo-vpbx-key"));
});
