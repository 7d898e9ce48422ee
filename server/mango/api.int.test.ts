import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "@/test/mango-emulator";
import {
  MangoAuthError,
  MangoLockedOutError,
  MangoNotFoundError,
  MangoRateLimitError,
  MangoSignatureError,
} from "./errors";
import { callEventSchema, commandResultSchema, smsEventSchema, summaryEventSchema } from "./event-types";
import { toCallEvent, toCallSummary, toCommandResult, toRecordAdded, toSmsDelivery } from "./events";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.reset();
});

describe("configuration reads against the emulator", () => {
  it("getUsers returns the seeded employees with mobile, groups and user ids", async () => {
    const users = await h.client().getUsers();
    expect(users.map((u) => u.extension)).toEqual(["101", "102", "103", "104", "105"]);
    expect(users[0]).toMatchObject({
      userId: 4000000111,
      name: "Алексей Смирнов",
      email: "smirnov@demo.example",
      mobilePhone: "+79161110101",
      groups: [10060001],
      outgoingLine: "74950000000",
    });
    expect(users[0]?.numbers.map((n) => n.phone)).toEqual([null, "+79161110101"]);
    // A local-format landline comes back with MANGO's own normalisation.
    expect(users[4]?.numbers[2]).toMatchObject({
      number: "84951110105",
      phone: "+74951110105",
      enabled: false,
    });
  });

  it("getUsers filters by extension and survives MANGO's 1-per-2-seconds limit by backing off", async () => {
    const client = h.client();
    await client.getUsers();
    const [only] = await client.getUsers({ extension: "103" });
    expect(only?.name).toBe("Дмитрий Соколов");
  });

  it("a rate-limited read with no retries left is a typed rate-limit error", async () => {
    const client = h.client({ maxRetries: 0 });
    await client.getUsers();
    await expect(client.getUsers()).rejects.toBeInstanceOf(MangoRateLimitError);
  });

  it("reads lines and groups", async () => {
    const client = h.client();
    const lines = await client.getLines();
    expect(lines.map((l) => [l.number, l.kind])).toEqual([
      ["74950000000", "regional"],
      ["78005550000", "toll-free"],
      ["sip:main@vpbx400000001.mangosip.ru", "sip"],
    ]);
    const groups = await client.getGroups();
    expect(groups.map((g) => g.extension)).toEqual(["201", "202"]);
    expect(groups[0]?.operators.map((o) => o.extension)).toEqual(["101", "102", "104"]);
  });
});

describe("credentials", () => {
  it("a wrong salt is a signature error, a wrong key an auth error, and a second bad request a lock-out", async () => {
    const wrongSalt = await h
      .client({ salt: "not-the-salt" })
      .getLines()
      .catch((e: unknown) => e);
    expect(wrongSalt).toBeInstanceOf(MangoSignatureError);
    expect((wrongSalt as MangoSignatureError).code).toBe(3102);
    expect((wrongSalt as MangoSignatureError).humanMessage).toBe("Неверная подпись — проверьте соль");

    const locked = await h
      .client({ salt: "not-the-salt" })
      .getLines()
      .catch((e: unknown) => e);
    expect(locked).toBeInstanceOf(MangoLockedOutError);
    // The lock-out holds for the good salt too, until two minutes of MANGO's time have passed.
    await expect(h.client().getLines()).rejects.toBeInstanceOf(MangoLockedOutError);
    await h.advance(121_000);
    await expect(h.client().getLines()).resolves.toHaveLength(3);

    const wrongKey = await h
      .client({ apiKey: "no-such-key" })
      .getLines()
      .catch((e: unknown) => e);
    expect(wrongKey).toBeInstanceOf(MangoAuthError);
    expect((wrongKey as MangoAuthError).humanMessage).toBe("Неверный ключ API");
  });
});

describe("callback", () => {
  it("places a call; MANGO's signed events verify and parse, in one leg order with the command id", async () => {
    const commandId = "job:callback:1";
    await expect(
      h.client().callback({ commandId, fromExtension: "101", toNumber: "8 (999) 000-11-22" }),
    ).resolves.toEqual({ commandId });
    await h.advance(120_000);

    expect(h.refused).toEqual([]);
    const [result] = h.of("result/callback").map((e) => toCommandResult(commandResultSchema.parse(e)));
    expect(result).toEqual({ commandId, result: 1000, ok: true });

    const calls = h.of("events/call").map((e) => toCallEvent(callEventSchema.parse(e)));
    expect(calls.length).toBeGreaterThanOrEqual(4);
    expect(calls.every((c) => c.commandId === commandId)).toBe(true);
    const [leg1, leg2] = [...new Set(calls.map((c) => c.callId))];
    const first = calls.find((c) => c.callId === leg1 && c.state === "Appeared");
    // Leg 1 rings the employee: MANGO shows the destination as `from` [§2.1].
    expect(first).toMatchObject({ from: { phone: "+79990001122" }, to: { extension: "101" } });
    const second = calls.find((c) => c.callId === leg2 && c.state === "Appeared");
    expect(second).toMatchObject({
      from: { extension: "101", takenFromCallId: leg1 },
      to: { phone: "+79990001122" },
    });

    const [summary] = h.of("events/summary").map((e) => toCallSummary(summaryEventSchema.parse(e)));
    expect(summary).toMatchObject({ direction: "outgoing", answered: true, entryId: first?.entryId });

    // Every delivery has its own identity: nothing would be dropped by the inbox as a duplicate.
    const identities = h.received.map((r) => r.identity);
    expect(new Set(identities).size).toBe(identities.length);
  });

  it("an unknown extension is accepted and then fails in result/callback", async () => {
    await h
      .client()
      .callback({ commandId: "job:callback:2", fromExtension: "999", toNumber: "+79990001122" });
    await h.advance(1_000);
    const results = h.of("result/callback").map((e) => toCommandResult(commandResultSchema.parse(e)));
    expect(results).toEqual([{ commandId: "job:callback:2", result: 3100, ok: false }]);
    expect(h.of("events/call")).toEqual([]);
  });

  it("a recorded call yields a downloadable recording", async () => {
    await h.control("callback-outcomes", { outcome: "answered", recorded: true, talkSeconds: 20 });
    const client = h.client();
    await client.callback({ commandId: "job:callback:3", fromExtension: "102", toNumber: "+79990001133" });
    await h.advance(180_000);
    const [added] = h.of("events/record/added").map((e) => toRecordAdded(e as never));
    expect(added?.recordingId).toBeTruthy();
    const url = await client.recordingUrl(added!.recordingId);
    const audio = await fetch(url);
    expect(audio.status).toBe(200);
    expect(audio.headers.get("content-type")).toContain("audio");
    await expect(client.recordingUrl("no-such-recording")).rejects.toBeInstanceOf(MangoNotFoundError);
  });
});

describe("sendSms", () => {
  it("is answered by result/sms and then by a delivery report", async () => {
    const commandId = "job:sms:1";
    await h.client().sendSms({
      commandId,
      fromExtension: "101",
      toNumber: "+79990001122",
      text: "Ваш заказ готов",
      sender: "AMANGO",
    });
    await h.advance(1_000);
    expect(h.of("result/sms").map((e) => toCommandResult(commandResultSchema.parse(e)))).toEqual([
      { commandId, result: 1000, ok: true },
    ]);
    await h.advance(5_000);
    const [report] = h.of("events/sms").map((e) => toSmsDelivery(smsEventSchema.parse(e)));
    expect(report).toMatchObject({ commandId, reason: 1000, delivered: true });
    expect(h.refused).toEqual([]);
  });

  it("a refused sender comes back as a failed result, not as an API error", async () => {
    await h.client().sendSms({
      commandId: "job:sms:2",
      fromExtension: "101",
      toNumber: "+79990001122",
      text: "x",
      sender: "NOPE",
    });
    await h.advance(1_000);
    expect(h.of("result/sms").map((e) => toCommandResult(commandResultSchema.parse(e)))).toEqual([
      { commandId: "job:sms:2", result: 3100, ok: false },
    ]);
  });
});
