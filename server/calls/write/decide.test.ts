import { describe, expect, it } from "vitest";
import { effectiveSettings } from "@/lib/domain/settings/effective";
import { type IntegrationSettingsInput, settingsDocumentSchema } from "@/lib/domain/settings/schema";
import { CALL_STATUS } from "@/server/amocrm/requests";
import {
  CC_OFF_REASON,
  callStatusOf,
  campaignTaskOf,
  chooseResponsible,
  earliestContact,
  employeeExtensions,
  type LoggableCall,
  newClientName,
  planClient,
  skipReason,
  wantsMissedTask,
} from "./decide";

const settings = (input: IntegrationSettingsInput = {}) =>
  effectiveSettings(settingsDocumentSchema.parse(input));

const call = (over: Partial<LoggableCall> = {}): LoggableCall => ({
  direction: "incoming",
  stage: "finished",
  clientPhone: "+79991234567",
  lineNumber: "74951112233",
  answeredExtension: "101",
  callerExtension: null,
  rangExtensions: ["102", "101"],
  talkSeconds: 35,
  disconnectReason: 1110,
  startedAt: new Date("2026-11-25T17:40:00Z"),
  endedAt: new Date("2026-11-25T17:41:00Z"),
  ...over,
});
const missed = (over: Partial<LoggableCall> = {}) =>
  call({ answeredExtension: null, talkSeconds: 0, disconnectReason: 1111, ...over });

describe("new client name", () => {
  it("is the call's start on the account's clock, whatever the server's zone", () => {
    const msk = "Europe/Moscow";
    expect(newClientName(new Date("2026-11-25T17:40:00Z"), msk)).toBe("Новый клиент 20:40 25.11.2026");
    // Past midnight in Moscow while still the previous day in UTC.
    expect(newClientName(new Date("2026-12-31T21:05:00Z"), msk)).toBe("Новый клиент 00:05 01.01.2027");
    // 23:30 in Moscow is 03:30 of the next day in Novosibirsk, 22:30 in Kaliningrad.
    const lateMoscow = new Date("2026-11-25T20:30:00Z");
    expect(newClientName(lateMoscow, "Asia/Novosibirsk")).toBe("Новый клиент 03:30 26.11.2026");
    expect(newClientName(lateMoscow, "Europe/Kaliningrad")).toBe("Новый клиент 22:30 25.11.2026");
  });
});

describe("earliest contact among duplicates", () => {
  it("picks the first created, not the first listed", () => {
    const list = [
      { id: 10, createdAt: 2000 },
      { id: 20, createdAt: 1000 },
      { id: 5, createdAt: 3000 },
    ];
    expect(earliestContact(list)?.id).toBe(20);
  });
  it("breaks ties and unknown times by the smaller id; none → null", () => {
    expect(
      earliestContact([
        { id: 9, createdAt: 1 },
        { id: 3, createdAt: 1 },
      ])?.id,
    ).toBe(3);
    expect(
      earliestContact([
        { id: 9, createdAt: null },
        { id: 12, createdAt: 5 },
      ])?.id,
    ).toBe(12);
    expect(earliestContact([])).toBeNull();
  });
});

describe("what is skipped", () => {
  it("internal calls, unknown direction, unprocessed lines and hidden numbers, with a reason", () => {
    expect(skipReason(call({ direction: "internal" }), settings())).toMatch(/внутренний/);
    expect(skipReason(call({ direction: "unknown" }), settings())).toMatch(/направление/);
    expect(skipReason(call(), settings({ limits: { lines: ["74950000000"] } }))).toMatch(
      /линия 74951112233 не обрабатывается/,
    );
    expect(skipReason(call({ clientPhone: null }), settings())).toMatch(/номер клиента/);
    expect(skipReason(call({ stage: "in_progress" }), settings())).toMatch(/не завершён/);
  });
  it("logs a call on a processed line (or when no line is chosen)", () => {
    expect(skipReason(call(), settings())).toBeNull();
    expect(skipReason(call(), settings({ limits: { lines: ["74951112233"] } }))).toBeNull();
  });
});

describe("responsible", () => {
  const mapping = new Map([["101", 8238874]]);
  it("is who answered; for a missed call the first mapped extension that rang", () => {
    expect(employeeExtensions(call())).toEqual(["101"]);
    expect(employeeExtensions(missed({ rangExtensions: ["102", "101"] }))).toEqual(["102", "101"]);
  });
  it("an unanswered outgoing call belongs to the employee who dialled", () => {
    const out = missed({ direction: "outgoing", rangExtensions: [], callerExtension: "102" });
    expect(employeeExtensions(out)).toEqual(["102"]);
    expect(employeeExtensions({ ...out, callerExtension: null })).toEqual([]);
    expect(employeeExtensions(call({ direction: "outgoing", callerExtension: "102" }))).toEqual(["101"]);
    expect(chooseResponsible(["102", "101"], mapping, settings())).toEqual({
      userId: 8238874,
      via: "mapping",
      extension: "101",
    });
  });
  it("an unmapped employee goes to «Сохранять все звонки» or is skipped with a reason", () => {
    expect(chooseResponsible(["103"], mapping, settings())).toEqual({
      skip: expect.stringMatching(/сотрудник 103 не сопоставлен/),
    });
    const saveAll = settings({ calls: { saveAllCalls: { enabled: true, userId: 504141 } } });
    expect(chooseResponsible(["103"], mapping, saveAll)).toEqual({
      userId: 504141,
      via: "save_all_calls",
      extension: "103",
    });
  });
});

describe("client plan from the settings", () => {
  const answered = { pipelineId: 3383152, statusId: 33929752 };
  const missedStage = { pipelineId: 47521, statusId: 525743 };
  const s = (calls: IntegrationSettingsInput["calls"]) =>
    settings({ calls: { answeredStage: answered, missedStage, ...calls } });

  it("a new number: contact, contact and deal at the answered / missed stage, or nothing", () => {
    expect(planClient(call(), s({ newClientAction: "contact" }), null)).toEqual({ kind: "contact" });
    expect(planClient(call(), s({ newClientAction: "contact_and_deal" }), null)).toEqual({
      kind: "contact_and_deal",
      stage: answered,
    });
    expect(planClient(call(), s({ newClientAction: "manual" }), null)).toMatchObject({ kind: "nothing" });
  });
  it("a missed call from a new number creates nothing, whatever «Действие для нового клиента» says (§2.3)", () => {
    for (const newClientAction of ["contact", "contact_and_deal", "manual"] as const)
      expect(planClient(missed(), s({ newClientAction }), null)).toEqual({
        kind: "nothing",
        reason: expect.stringMatching(/пропущенному звонку контакт не создаётся/),
      });
  });
  it("a known number follows «Действие для повторного»", () => {
    const open = { hasOpenDeal: true };
    const none = { hasOpenDeal: false };
    expect(planClient(call(), s({ repeatClientAction: "manual" }), none)).toEqual({
      kind: "existing",
      deal: null,
    });
    expect(planClient(call(), s({ repeatClientAction: "always_deal" }), open)).toEqual({
      kind: "existing",
      deal: { stage: answered },
    });
    expect(planClient(call(), s({ repeatClientAction: "deal_if_no_open" }), open)).toEqual({
      kind: "existing",
      deal: null,
    });
    expect(planClient(missed(), s({ repeatClientAction: "deal_if_no_open" }), none)).toEqual({
      kind: "existing",
      deal: { stage: missedStage },
    });
  });
  it("outgoing calls to a new number create a contact only when answered and asked to", () => {
    const out = call({ direction: "outgoing" });
    expect(planClient(out, s({}), null)).toMatchObject({ kind: "nothing" });
    expect(planClient(out, s({ outgoing: { createContact: true } }), null)).toEqual({ kind: "contact" });
    expect(planClient(out, s({ outgoing: { createContact: true, createDeal: true } }), null)).toEqual({
      kind: "contact_and_deal",
      stage: answered,
    });
    expect(
      planClient(missed({ direction: "outgoing" }), s({ outgoing: { createContact: true } }), null),
    ).toMatchObject({ kind: "nothing" });
    expect(planClient(out, s({ repeatClientAction: "always_deal" }), { hasOpenDeal: false })).toEqual({
      kind: "existing",
      deal: null,
    });
  });
});

describe("call status and missed-call task", () => {
  it("talked, busy or not reached", () => {
    expect(callStatusOf(call())).toBe(CALL_STATUS.talked);
    expect(callStatusOf(missed({ disconnectReason: 1121 }))).toBe(CALL_STATUS.busy);
    expect(callStatusOf(missed())).toBe(CALL_STATUS.notReached);
  });
  it("a task only for a missed incoming call with the setting on", () => {
    expect(wantsMissedTask(missed(), settings())).toBe(true);
    expect(wantsMissedTask(missed(), settings({ calls: { missedTasks: { enabled: false } } }))).toBe(false);
    expect(wantsMissedTask(call(), settings())).toBe(false);
    expect(wantsMissedTask(missed({ direction: "outgoing" }), settings())).toBe(false);
  });
});

describe("Contact Center campaign calls", () => {
  it("a task id with ObDial (or no initiator) is a campaign call; a КЦ auto-callback is not", () => {
    expect(campaignTaskOf({ ccTaskId: 9000001, callbackInitiator: "ObDial" })).toBe(9000001);
    expect(campaignTaskOf({ ccTaskId: 9000001, callbackInitiator: null })).toBe(9000001);
    expect(campaignTaskOf({ ccTaskId: 2052290, callbackInitiator: "CC" })).toBeNull();
    expect(campaignTaskOf({ ccTaskId: null, callbackInitiator: null })).toBeNull();
    expect(CC_OFF_REASON).toMatch(/Интеграция с Контакт-центром/);
  });
});
