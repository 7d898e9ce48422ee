import { describe, expect, it } from "vitest";
import type { AmoLeadEvent } from "@/server/amocrm";
import type { AmoLead } from "@/server/amocrm/transform";
import {
  checkDealAgainstTrigger,
  confirmDpTrigger,
  FEED_RECHECKS,
  MoveNotInFeedYetError,
  moveBackingTrigger,
  TRIGGER_MATCH_WINDOW_S,
  TRIGGER_REASONS,
} from "./dp-confirm";

const T = 1_800_000_000;
const STAGE = { pipelineId: 10, statusId: 20 };
const trigger = { leadId: 7, ...STAGE, time: T, trigger: "entered_stage" as const };
const lead = (o: Partial<AmoLead> = {}): AmoLead => ({
  id: 7,
  name: "Сделка",
  price: 0,
  ...STAGE,
  responsibleUserId: null,
  groupId: null,
  lossReasonId: null,
  createdAt: T - 86_400,
  updatedAt: T,
  closedAt: null,
  isDeleted: false,
  tags: [],
  contacts: [],
  companyIds: [],
  customFields: [],
  ...o,
});
const move = (createdAt: number, stage: AmoLeadEvent["stageAfter"] = STAGE): AmoLeadEvent => ({
  id: `e${createdAt}`,
  type: "lead_status_changed",
  leadId: 7,
  createdAt,
  stageAfter: stage,
});

describe("checkDealAgainstTrigger", () => {
  it("refuses a deal amoCRM does not have, or has deleted", () => {
    expect(checkDealAgainstTrigger(trigger, null)).toBe(TRIGGER_REASONS.gone(7));
    expect(checkDealAgainstTrigger(trigger, lead({ isDeleted: true }))).toBe(TRIGGER_REASONS.gone(7));
  });

  it("refuses a deal in another stage or pipeline", () => {
    expect(checkDealAgainstTrigger(trigger, lead({ statusId: 21 }))).toBe(TRIGGER_REASONS.otherStage);
    expect(checkDealAgainstTrigger(trigger, lead({ pipelineId: 11 }))).toBe(TRIGGER_REASONS.otherStage);
  });

  it("refuses an entry into the stage when the deal last changed before the window", () => {
    const old = lead({ updatedAt: T - TRIGGER_MATCH_WINDOW_S - 1 });
    expect(checkDealAgainstTrigger(trigger, old)).toBe(TRIGGER_REASONS.unchanged);
    expect(checkDealAgainstTrigger(trigger, lead({ updatedAt: T - TRIGGER_MATCH_WINDOW_S }))).toBeNull();
  });

  it("refuses a creation in the stage when the deal was created at another time", () => {
    const created = { ...trigger, trigger: "created_in_stage" as const };
    expect(checkDealAgainstTrigger(created, lead())).toBe(TRIGGER_REASONS.notCreated);
    expect(checkDealAgainstTrigger(created, lead({ createdAt: T - 3 }))).toBeNull();
  });

  it("confirms other triggers by the stage alone", () => {
    const call = { ...trigger, trigger: "incoming_call" as const };
    expect(checkDealAgainstTrigger(call, lead({ updatedAt: T - 86_400 }))).toBeNull();
  });
});

describe("moveBackingTrigger", () => {
  it("takes the move into the trigger's stage nearest to the event time", () => {
    const picked = moveBackingTrigger(trigger, [
      move(T - 200),
      move(T + 2),
      move(T + 1, { pipelineId: 10, statusId: 99 }),
    ]);
    expect(picked?.createdAt).toBe(T + 2);
  });

  it("finds nothing outside the window or into another stage", () => {
    expect(moveBackingTrigger(trigger, [move(T - TRIGGER_MATCH_WINDOW_S - 1)])).toBeNull();
    expect(moveBackingTrigger(trigger, [move(T, { pipelineId: 10, statusId: 99 })])).toBeNull();
  });

  it("counts a move whose stage the feed does not name, after a named one", () => {
    expect(moveBackingTrigger(trigger, [move(T, null)])?.createdAt).toBe(T);
    expect(moveBackingTrigger(trigger, [move(T, null), move(T + 100)])?.createdAt).toBe(T + 100);
  });
});

describe("confirmDpTrigger", () => {
  it("asks the feed for the deal's moves around the event time only when the deal itself agrees", async () => {
    const asked: unknown[] = [];
    const amo = {
      listLeadEvents: async (id: number, o: unknown) => {
        asked.push([id, o]);
        return [move(T + 1)];
      },
    };
    expect(await confirmDpTrigger(amo, trigger, lead({ statusId: 21 }))).toEqual({
      confirmed: false,
      reason: TRIGGER_REASONS.otherStage,
    });
    expect(asked).toEqual([]);
    expect(await confirmDpTrigger(amo, trigger, lead())).toEqual({
      confirmed: true,
      occurrence: `amo:move:e${T + 1}`,
    });
    expect(asked).toEqual([
      [
        7,
        { types: ["lead_status_changed"], from: T - TRIGGER_MATCH_WINDOW_S, to: T + TRIGGER_MATCH_WINDOW_S },
      ],
    ]);
  });

  it("confirms a creation by the deal's created_at, as one occurrence whatever time the body names", async () => {
    const amo = { listLeadEvents: async () => [] };
    const created = { ...trigger, trigger: "created_in_stage" as const };
    expect(await confirmDpTrigger(amo, created, lead({ createdAt: T + 2 }))).toEqual({
      confirmed: true,
      occurrence: "amo:created",
    });
  });

  it("is not confirmed when the feed has no such move", async () => {
    const amo = { listLeadEvents: async () => [] };
    expect(await confirmDpTrigger(amo, trigger, lead())).toEqual({
      confirmed: false,
      reason: TRIGGER_REASONS.noMove,
    });
  });

  it("looks for a missing move again on the job's first attempts (the feed may lag the webhook)", async () => {
    let moves: AmoLeadEvent[] = [];
    const amo = { listLeadEvents: async () => moves };
    for (let attempt = 1; attempt <= FEED_RECHECKS; attempt++)
      await expect(confirmDpTrigger(amo, trigger, lead(), attempt)).rejects.toBeInstanceOf(
        MoveNotInFeedYetError,
      );
    expect(await confirmDpTrigger(amo, trigger, lead(), FEED_RECHECKS + 1)).toMatchObject({
      confirmed: false,
    });
    moves = [move(T)];
    expect(await confirmDpTrigger(amo, trigger, lead(), 2)).toMatchObject({ confirmed: true });
  });
});
