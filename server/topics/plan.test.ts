import { describe, expect, it } from "vitest";
import { desiredOptions, mergeOptions } from "./field";
import { GAVE_UP_REASON, nextPollAt, placeTopics, pollDelayS, topicsNoteText } from "./plan";
import { type TopicNode, topicPath } from "./tree";

const STAGE_IF = { pipelineId: 1, statusId: 11 };
const STAGE_NO = { pipelineId: 1, statusId: 22 };
const settings = { stageIfDeal: STAGE_IF, stageIfNoDeal: STAGE_NO, intoOpenDeal: false };

describe("nextPollAt", () => {
  const t0 = new Date("2026-12-03T10:00:00Z");
  const deadline = new Date(t0.getTime() + 3600_000);
  it("asks soon after the call, then spaces the questions out to every 10 minutes", () => {
    expect([0, 1, 2, 3, 4, 5, 9].map(pollDelayS)).toEqual([60, 120, 180, 300, 600, 600, 600]);
    expect(nextPollAt(0, deadline, t0)).toEqual(new Date(t0.getTime() + 60_000));
  });
  it("asks last at the deadline itself, then gives up", () => {
    const late = new Date(deadline.getTime() - 120_000);
    expect(nextPollAt(6, deadline, late)).toEqual(deadline);
    expect(nextPollAt(7, deadline, deadline)).toBeNull();
    expect(GAVE_UP_REASON).toBe("тематики не появились за час");
  });
});

describe("placeTopics (seed §2.8)", () => {
  it("an unknown number: a contact and a deal at «Если нет сделки»", () => {
    expect(placeTopics({ callLogLeadId: null, client: null, settings })).toEqual({
      kind: "new_contact",
      stage: STAGE_NO,
    });
  });
  it("a known client without an open deal: a new deal at «Если нет сделки»", () => {
    expect(placeTopics({ callLogLeadId: null, client: { contactId: 5, openLeadIds: [] }, settings })).toEqual(
      {
        kind: "new_deal",
        contactId: 5,
        stage: STAGE_NO,
      },
    );
  });
  it("a known client with an open deal: another deal at «Если есть сделка», or ★ that deal", () => {
    const client = { contactId: 5, openLeadIds: [9, 7] };
    expect(placeTopics({ callLogLeadId: null, client, settings })).toEqual({
      kind: "new_deal",
      contactId: 5,
      stage: STAGE_IF,
    });
    expect(
      placeTopics({ callLogLeadId: null, client, settings: { ...settings, intoOpenDeal: true } }),
    ).toEqual({
      kind: "open_deal",
      leadId: 9,
    });
  });
  it("a deal call logging made for the call is used, at the stage a topics deal would have", () => {
    expect(placeTopics({ callLogLeadId: 9, client: { contactId: 5, openLeadIds: [9] }, settings })).toEqual({
      kind: "call_log_deal",
      leadId: 9,
      stage: STAGE_NO,
    });
    expect(
      placeTopics({ callLogLeadId: 9, client: { contactId: 5, openLeadIds: [9, 3] }, settings }),
    ).toEqual({
      kind: "call_log_deal",
      leadId: 9,
      stage: STAGE_IF,
    });
  });
});

describe("topicsNoteText", () => {
  it("names the topics by path, the comment and the call's id", () => {
    expect(
      topicsNoteText({
        paths: ["Продажи / Консультация", "тема #7"],
        comments: [" перезвонить ", ""],
        campaignName: "Заявки",
        callAt: "03.12.2026, 13:00",
        entryId: "NTAwOTY2NDQwNw==",
      }),
    ).toBe(
      [
        "Звонок Контакт-центра, кампания «Заявки», 03.12.2026, 13:00",
        "Тематики: Продажи / Консультация; тема #7",
        "Комментарий оператора: перезвонить",
        "ID звонка MANGO OFFICE: NTAwOTY2NDQwNw==",
      ].join("\n"),
    );
  });
});

const node = (topicId: number, parentId: number | null, name: string, isFolder = false): TopicNode => ({
  topicId,
  parentId,
  name,
  isFolder,
});

describe("topic paths", () => {
  const tree = [
    node(1, null, "Продажи", true),
    node(2, 1, "Консультация"),
    node(3, 99, "Сирота"),
    node(4, 5, "А"),
    node(5, 4, "Б"),
  ];
  const byId = new Map(tree.map((n) => [n.topicId, n]));
  it("joins the names from the root; an unknown id is «тема #id»; a missing parent ends the path; a cycle stops", () => {
    expect(topicPath(2, byId)).toBe("Продажи / Консультация");
    expect(topicPath(42, byId)).toBe("тема #42");
    expect(topicPath(3, byId)).toBe("Сирота");
    expect(topicPath(4, byId)).toBe("Б / А");
  });
});

describe("«Тематики КЦ» options", () => {
  const tree = [node(1, null, "Продажи", true), node(2, 1, "Консультация"), node(3, 1, "Отказ")];
  it("one option per topic that is not a folder", () => {
    expect(desiredOptions(tree)).toEqual([
      { topicId: 2, value: "Продажи / Консультация" },
      { topicId: 3, value: "Продажи / Отказ" },
    ]);
  });
  it("nothing to change when the field matches; a renamed topic renames its option; a new topic is appended; others stay", () => {
    const field = {
      enums: [
        { id: 100, value: "Продажи / Консультация", sort: 10 },
        { id: 101, value: "Продажи / Отказ", sort: 20 },
        { id: 102, value: "Чужой вариант", sort: 30 },
      ],
    };
    const enumOf = new Map([
      [2, 100],
      [3, 101],
    ]);
    expect(mergeOptions(field, desiredOptions(tree), enumOf)).toBeNull();
    const renamed = [...tree.slice(0, 2), node(3, 1, "Отказался"), node(4, 1, "Дорого")];
    expect(mergeOptions(field, desiredOptions(renamed), enumOf)).toEqual([
      { id: 102, value: "Чужой вариант", sort: 10 },
      { id: 100, value: "Продажи / Консультация", sort: 20 },
      { id: 101, value: "Продажи / Отказался", sort: 30 },
      { value: "Продажи / Дорого", sort: 40 },
    ]);
  });
});
