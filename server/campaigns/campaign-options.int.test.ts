import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalQueue } from "@/inngest/local/queue";
import { addMembership, upsertUser } from "@/server/tenancy/queries";
import type { SessionIdentity } from "@/server/trpc/init";
import { createCaller } from "@/server/trpc/router";
import { type LogWorld, startLogWorld } from "@/test/calls-world";

/**
 * rules.campaignOptions on PostgreSQL and the MANGO emulator's demo PBX: unavailable with the reason while
 * the Contact Center settings are off; on, the live campaigns with their status in Russian, whether endless,
 * the completed one listed but not pickable; MANGO not answering still opens the editor with the reason.
 */
let w: LogWorld;
let member: SessionIdentity;

const caller = (session: SessionIdentity | null) =>
  createCaller({ db: w.t.db, queue: createLocalQueue(w.t.db), session, requestId: "test" });
const mangoFaults = (body: unknown) =>
  fetch(`${w.mango.url}/__control/faults`, { method: "POST", body: JSON.stringify(body) });

beforeAll(async () => {
  w = await startLogWorld();
  const user = await upsertUser(w.t.db, { amocrmUserId: 8238874, name: "Участник" });
  await addMembership(w.t.db, { tenantId: w.tenant.id, userId: user.id, role: "member" });
  member = { userId: user.id, tenantId: w.tenant.id };
}, 60_000);
afterAll(() => w?.close());

describe("rules.campaignOptions", () => {
  it("is refused without a session", async () => {
    const err = await caller(null)
      .rules.campaignOptions()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("UNAUTHORIZED");
  });

  it("while the Contact Center settings are off: unavailable, naming the settings to turn on", async () => {
    expect(await caller(member).rules.campaignOptions()).toEqual({
      available: false,
      unavailable: "contactCenter",
      campaignsProblemKind: null,
      unavailableReason:
        "Действие выключено в настройках: включите «Интеграция с Контакт-центром» и «Добавить возможность добавления заданий автозвонков в digital-воронке» (Настройки → «Дополнительно»).",
      campaigns: [],
      campaignsProblem: null,
    });
    // The integration on, the DP tasks still off: only that one is named.
    await w.settings({ extra: { contactCenter: { enabled: true, dpTasks: { enabled: false } } } });
    const options = await caller(member).rules.campaignOptions();
    expect(options.available).toBe(false);
    expect(options.unavailable).toBe("dpTasks");
    expect(options.unavailableReason).toBe(
      "Действие выключено в настройках: включите «Добавить возможность добавления заданий автозвонков в digital-воронке» (Настройки → «Дополнительно»).",
    );
  });

  it("with both on: the live campaigns, status in Russian, endless; the completed one not pickable", async () => {
    await w.settings({ extra: { contactCenter: { enabled: true, dpTasks: { enabled: true } } } });
    const options = await caller(member).rules.campaignOptions();
    expect(options).toMatchObject({ available: true, unavailableReason: null, campaignsProblem: null });
    expect(
      options.campaigns.map((c) => [c.id, c.name, c.status, c.statusLabel, c.endless, c.pickable]),
    ).toEqual([
      [56919, "Заявки с сайта", "running", "Активна", true, true],
      [77001, "Опрос качества", "stopped", "Остановлена", false, true],
      [77002, "Продление договоров", "running", "Активна", false, true],
      [1254251, "ММ Обзвон", "completed", "Завершена", false, false],
    ]);
    const completed = options.campaigns.find((c) => c.id === 1254251)!;
    expect(completed.notPickableReason).toBe(
      "Кампания завершена: MANGO OFFICE не принимает в неё задания, и перезапустить её нельзя",
    );
    expect(options.campaigns.filter((c) => c.notPickableReason !== null)).toEqual([completed]);
  });

  it("MANGO not answering: the editor still opens, with the reason in Russian", async () => {
    await mangoFaults({ apiFailures: { remaining: 20, status: 503, paths: ["campaign/list"] } });
    try {
      const options = await caller(member).rules.campaignOptions();
      expect(options).toEqual({
        available: true,
        unavailable: null,
        unavailableReason: null,
        campaigns: [],
        campaignsProblemKind: "noAnswer",
        campaignsProblem:
          "MANGO OFFICE не ответила: список кампаний сейчас недоступен. Сохранённая кампания останется в правиле; попробуйте открыть правило позже.",
      });
    } finally {
      await mangoFaults({ apiFailures: null });
    }
    expect((await caller(member).rules.campaignOptions()).campaigns).toHaveLength(4);
  });
});
