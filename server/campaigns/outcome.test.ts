import { describe, expect, it } from "vitest";
import type { MangoCampaign, MangoCampaignTask } from "@/server/mango/domain";
import { finalOf, mangoReasonText, nextPollDelayS } from "./outcome-verdict";

const ADDED = new Date("2026-11-01T09:00:00Z");
const row = { campaignId: 56919, campaignName: "Заявки", mangoTaskId: 3223, addedAt: ADDED };
const campaign = (status: MangoCampaign["status"]): MangoCampaign => ({
  id: 56919,
  name: "Заявки с сайта",
  status,
  statusCode: 0,
  statusReason: null,
  endless: true,
  acceptsTasks: true,
  lineId: null,
  serviceType: 8,
  tasksCount: null,
  finishedTasksCount: null,
  start: null,
  end: null,
});
const task = (status: MangoCampaignTask["status"], statusReason: number | null): MangoCampaignTask => ({
  taskId: 3223,
  campaignId: 56919,
  name: null,
  number: "79161234567",
  phone: "+79161234567",
  status,
  statusCode: 0,
  statusReason,
  comment: null,
  operatorId: null,
  attempts: null,
  alternativeNumbers: [],
});

describe("finalOf: what MANGO's view of a task means", () => {
  it("finished with reason 1 is reached; any other reason is not reached, named in Russian", () => {
    expect(finalOf(row, campaign("running"), task("finished", 1))).toEqual({
      outcome: "reached",
      statusReason: 1,
      reason: "Клиент ответил оператору кампании «Заявки с сайта»",
    });
    for (const [code, text] of [
      [2, "абонент занят"],
      [3, "абонент не взял трубку"],
      [4, "абонент недоступен"],
      [8, "номер не существует"],
      [25, "истёк срок задания"],
      [26, "номер в списке запрещённых"],
    ] as const)
      expect(finalOf(row, campaign("running"), task("finished", code))).toEqual({
        outcome: "not_reached",
        statusReason: code,
        reason: `Оператор не дозвонился клиенту по кампании «Заявки с сайта»: ${text}`,
      });
  });

  it("a finished task counts even in a completed campaign; an unfinished one there stops", () => {
    expect(finalOf(row, campaign("completed"), task("finished", 3))?.outcome).toBe("not_reached");
    expect(finalOf(row, campaign("completed"), task("queued", null))).toEqual({
      outcome: "stopped",
      statusReason: null,
      reason: "Кампания «Заявки с сайта» завершена, задание не выполнено — итог не узнать",
    });
    expect(finalOf(row, campaign("deleting"), task("queued", null))?.reason).toBe(
      "Кампания «Заявки с сайта» удаляется — итог задания не узнать",
    );
  });

  it("gone, deleted or no campaign stops; queued, in progress and stopped stay open", () => {
    expect(finalOf(row, undefined, undefined)?.reason).toBe(
      "Кампании «Заявки» больше нет в MANGO OFFICE — итог задания не узнать",
    );
    expect(finalOf(row, campaign("running"), "gone")?.outcome).toBe("stopped");
    expect(finalOf(row, campaign("running"), task("deleted", 11))?.outcome).toBe("stopped");
    for (const s of ["queued", "in_progress", "stopped"] as const)
      expect(finalOf(row, campaign("running"), task(s, 2), new Date("2026-11-20T09:00:00Z"))).toBeNull();
  });

  it("an open task (stopped by an administrator, never dialled) is given up 30 days after it was added", () => {
    const day30 = new Date(ADDED.getTime() + 30 * 86_400_000);
    expect(finalOf(row, campaign("running"), task("stopped", 11), day30)).toBeNull();
    expect(
      finalOf(row, campaign("running"), task("stopped", 11), new Date(day30.getTime() + 60_000)),
    ).toEqual({
      outcome: "stopped",
      statusReason: 11,
      reason: "Задание в кампании «Заявки с сайта» не завершилось за 30 дней — итог больше не проверяется",
    });
  });

  it("an unknown reason is shown by its code; the backoff grows to an hour and stays there", () => {
    expect(mangoReasonText(99)).toBe("причина с кодом 99");
    expect(mangoReasonText(null)).toBe("MANGO не сообщил причину");
    expect([0, 1, 2, 3, 4, 5, 6, 50].map(nextPollDelayS)).toEqual([
      60, 120, 300, 600, 1800, 3600, 3600, 3600,
    ]);
  });
});
