import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callbackPacing, callbackQueue, callbackRulePauses } from "@/db/schema";
import { type PacingWorld, startPacingWorld } from "@/test/pacing-world";
import { BLOCKED_RECHECK_MS, dispatchDue } from "./dispatch";
import { loopGuardReason } from "./dispatch-candidates";
import { callbackCommandId } from "./dispatch-send";

/**
 * Acceptance of the auto-callback pacing (the «Совершать автоперезвон» action's queue): the dispatcher on
 * real PostgreSQL, MANGO's emulator receiving the commands over HTTP, and a virtual clock handed to every
 * decision — stepped every 250 ms over simulated minutes, so nothing here sleeps.
 */
let w: PacingWorld;
beforeAll(async () => {
  w = await startPacingWorld();
});
afterAll(() => w.close());

const T0 = new Date("2026-12-01T07:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const STEP_MS = 250;

/** Steps the clock from `fromMs` to `toMs` (exclusive); `onStep` may change the world at an instant. */
async function run(
  tick: (now: Date) => Promise<unknown>,
  fromMs: number,
  toMs: number,
  onStep?: (ms: number) => Promise<void>,
) {
  for (let ms = fromMs; ms < toMs; ms += STEP_MS) {
    await onStep?.(ms);
    await tick(at(ms));
  }
}

/** Dispatch times of the dialed items, ms after T0, in order. */
const dialTimes = (items: { dispatchedAt: Date | null }[]) =>
  items
    .filter((i) => i.dispatchedAt)
    .map((i) => i.dispatchedAt!.getTime() - T0.getTime())
    .sort((a, b) => a - b);

const perMinute = (times: number[], minutes: number) =>
  Array.from(
    { length: minutes },
    (_, m) => times.filter((x) => x >= m * 60_000 && x < (m + 1) * 60_000).length,
  );

const gaps = (times: number[]) => times.slice(1).map((x, i) => x - times[i]!);

describe("pacing", () => {
  it("rate 3/min, 10 items: exactly 3 a minute, 20 s apart; each item dialed once, by one command", async () => {
    const c = await w.newTenant();
    await c.settings({ ratePerMinute: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await c.queue());

    await run((now) => c.tick(now), 0, 4 * 60_000);

    const items = await c.items();
    const times = dialTimes(items);
    expect(perMinute(times, 4)).toEqual([3, 3, 3, 1]);
    for (const g of gaps(times)) expect(Math.abs(g - 20_000)).toBeLessThanOrEqual(1_000);
    // In queue order, each once, with its attempt's command id.
    expect(items.map((i) => i.id)).toEqual(ids);
    expect(items.every((i) => i.state === "dialing" && i.attempts === 1)).toBe(true);
    expect(items.map((i) => i.commandId)).toEqual(ids.map((id) => callbackCommandId(id, 1)));
    const sent = (await w.commands()).filter((x) => ids.some((id) => x.commandId.includes(id)));
    expect(sent.map((x) => x.commandId)).toEqual(ids.map((id) => callbackCommandId(id, 1)));
    expect(sent.every((x) => x.path.endsWith("commands/callback") && x.code === 1000)).toBe(true);
    expect((await c.attempts()).map((a) => a.commandId).sort()).toEqual(
      ids.map((id) => callbackCommandId(id, 1)).sort(),
    );
  });

  it("rate 0: nothing is dialed; set to 3 again, dialing resumes at once", async () => {
    const c = await w.newTenant();
    await c.settings({ ratePerMinute: 0 });
    for (let i = 0; i < 3; i++) await c.queue();
    const decisions: Awaited<ReturnType<typeof c.tick>> = [];
    await run(async (now) => decisions.push(...(await c.tick(now))), 0, 2 * 60_000);
    expect(dialTimes(await c.items())).toEqual([]);
    expect(decisions.every((d) => d.waiting === "paused" && d.nextAt === null)).toBe(true);

    await c.settings({ ratePerMinute: 3 });
    await run((now) => c.tick(now), 2 * 60_000 + 100, 2 * 60_000 + 1_000);
    expect(dialTimes(await c.items())).toEqual([2 * 60_000 + 100]);
  });

  it("rate changed from 3 to 6 mid-run: the slot already set stays, the next ones are 10 s apart", async () => {
    const c = await w.newTenant();
    await c.settings({ ratePerMinute: 3 });
    for (let i = 0; i < 10; i++) await c.queue();
    // Dials at 0, 20, 40, 60 s (next slot set: 80 s); the rate changes at 70 s.
    await run(
      (now) => c.tick(now),
      0,
      2 * 60_000,
      async (ms) => {
        if (ms === 70_000) await c.settings({ ratePerMinute: 6 });
      },
    );
    expect(dialTimes(await c.items())).toEqual([0, 20_000, 40_000, 60_000, 80_000, 90_000, 100_000, 110_000]);
  });

  it("two dispatchers on two pools racing at the same instants: still 3 a minute, no item dialed twice", async () => {
    const c = await w.newTenant();
    await c.settings({ ratePerMinute: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await c.queue());

    const decisions: Awaited<ReturnType<typeof c.tick>> = [];
    await run(async (now) => decisions.push(...(await c.tick(now, [w.t.db, w.other]))), 0, 4 * 60_000);

    const times = dialTimes(await c.items());
    expect(perMinute(times, 4)).toEqual([3, 3, 3, 1]);
    for (const g of gaps(times)) expect(Math.abs(g - 20_000)).toBeLessThanOrEqual(1_000);
    const dialed = decisions.flatMap((d) => (d.dialed ? [d.dialed.itemId] : []));
    expect(dialed.sort()).toEqual([...ids].sort());
    expect(await c.attempts()).toHaveLength(10);
    const sent = (await w.commands()).filter((x) => ids.some((id) => x.commandId.includes(id)));
    expect(new Set(sent.map((x) => x.commandId)).size).toBe(10);
    expect(sent).toHaveLength(10);
  });

  it("a burst queued after a quiet spell starts from now, not from the old slot", async () => {
    const c = await w.newTenant();
    await c.settings({ ratePerMinute: 3 });
    await c.queue();
    await c.tick(at(0));
    for (let i = 0; i < 3; i++) await c.queue();
    // An hour later: the slot set at 0 (20 s) is far in the past.
    await run((now) => c.tick(now), 3_600_000, 3_600_000 + 60_000);
    expect(dialTimes(await c.items())).toEqual([0, 3_600_000, 3_620_000, 3_640_000]);
  });
});

describe("eligibility", () => {
  it("working hours in the account's zone (Asia/Yekaterinburg): items wait outside, dial inside", async () => {
    const c = await w.newTenant("Asia/Yekaterinburg");
    await c.settings({
      ratePerMinute: 60,
      workingHours: { enabled: true, days: [1, 2, 3, 4, 5], from: "09:00", to: "18:00" },
    });
    const id = await c.queue();
    // Thursday 08:30 in Yekaterinburg (UTC+5) = 03:30 UTC: 11:30 in UTC and Moscow would be open.
    const [before] = await c.tick(new Date("2026-12-03T03:30:00.000Z"));
    expect(before).toMatchObject({
      dialed: null,
      waiting: "hours",
      nextAt: new Date("2026-12-03T04:00:00.000Z"),
    });
    expect((await c.item(id)).state).toBe("queued");
    const [opened] = await c.tick(new Date("2026-12-03T04:00:00.000Z"));
    expect(opened!.dialed?.itemId).toBe(id);

    // Friday 18:00 there: closed until Monday 09:00 there.
    await c.queue();
    const [friday] = await c.tick(new Date("2026-12-04T13:00:00.000Z"));
    expect(friday).toMatchObject({
      dialed: null,
      waiting: "hours",
      nextAt: new Date("2026-12-07T04:00:00.000Z"),
    });
  });

  it("loop guard: a client called within the cooldown is skipped with the reason, the slot goes to the next", async () => {
    const c = await w.newTenant();
    await c.settings({ ratePerMinute: 3, cooldownMinutes: 10 });
    const first = await c.queue({ phone: "+79160000001" });
    const again = await c.queue({ phone: "+79160000001" });
    const other = await c.queue({ phone: "+79160000002" });
    await c.tick(at(0));
    const decisions = await c.tick(at(20_000));

    expect((await c.item(first)).state).toBe("dialing");
    expect(await c.item(again)).toMatchObject({
      state: "skipped",
      reason: "Этому клиенту уже звонили автоперезвоном менее 10 минут назад",
      dispatchedAt: null,
    });
    expect(loopGuardReason(10)).toBe("Этому клиенту уже звонили автоперезвоном менее 10 минут назад");
    expect((await c.item(other)).dispatchedAt).toEqual(at(20_000));
    expect(decisions[0]!.settled).toEqual([{ itemId: again, state: "skipped", reason: loopGuardReason(10) }]);

    // After the cooldown the same number may be called again.
    const later = await c.queue({ phone: "+79160000001" });
    await c.tick(at(11 * 60_000));
    expect((await c.item(later)).state).toBe("dialing");
  });

  it("busy employee: the next item of someone else goes instead; theirs waits until the call ends", async () => {
    const c = await w.newTenant();
    await c.settings({ ratePerMinute: 60 });
    const a = await c.queue({ extension: "101" });
    const b = await c.queue({ extension: "101" });
    const other = await c.queue({ extension: "102" });
    await c.tick(at(0));
    await c.tick(at(1_000));
    expect((await c.item(other)).dispatchedAt).toEqual(at(1_000));
    const [blocked] = await c.tick(at(2_000));
    expect(blocked).toMatchObject({
      dialed: null,
      waiting: "blocked",
      nextAt: at(2_000 + BLOCKED_RECHECK_MS),
    });
    expect((await c.item(b)).state).toBe("queued");

    await c.finish(a);
    await c.tick(at(3_000));
    expect((await c.item(b)).dispatchedAt).toEqual(at(3_000));
  });

  it("a group is not held like an employee: MANGO rings its first free operator", async () => {
    const c = await w.newTenant();
    await c.settings({ ratePerMinute: 60 });
    const group = { type: "group" as const, amoUserId: null, extension: "201" };
    const first = await c.queue({ target: group, lineNumber: "74950000000" });
    const second = await c.queue({ target: group, lineNumber: "74950000000" });
    await c.tick(at(0));
    await c.tick(at(1_000));
    expect((await c.item(first)).state).toBe("dialing");
    expect((await c.item(second)).dispatchedAt).toEqual(at(1_000));
  });

  it("paused rule: its items wait, other rules' go; resumed, they go", async () => {
    const c = await w.newTenant();
    await c.settings({ ratePerMinute: 60 });
    const paused = await c.rule("На паузе");
    const held = await c.queue({ ruleId: paused });
    const free = await c.queue();
    await w.t.db.insert(callbackRulePauses).values({ tenantId: c.tenantId, ruleId: paused });
    await c.tick(at(0));
    const [waiting] = await c.tick(at(1_000));
    expect((await c.item(free)).dispatchedAt).toEqual(at(0));
    expect((await c.item(held)).state).toBe("queued");
    // Only a paused rule's item is left: nothing is re-armed until the rule is resumed (which wakes it).
    expect(waiting).toMatchObject({ dialed: null, waiting: "blocked", nextAt: null });

    await w.t.db
      .delete(callbackRulePauses)
      .where(and(eq(callbackRulePauses.tenantId, c.tenantId), eq(callbackRulePauses.ruleId, paused)));
    await c.tick(at(2_000));
    expect((await c.item(held)).dispatchedAt).toEqual(at(2_000));
  });

  it("«Позвонить сейчас» goes first without waiting for the slot and without moving it; busy rule still holds", async () => {
    const c = await w.newTenant();
    await c.settings({ ratePerMinute: 3 });
    const first = await c.queue({ extension: "101" });
    const second = await c.queue({ extension: "102" });
    const urgent = await c.queue({ extension: "103" });
    const urgentBusy = await c.queue({ extension: "101" });
    await c.tick(at(0));
    const callNow = (id: string) =>
      w.t.db
        .update(callbackQueue)
        .set({ callNowAt: at(5_000) })
        .where(and(eq(callbackQueue.tenantId, c.tenantId), eq(callbackQueue.id, id)));
    await callNow(urgent);
    await callNow(urgentBusy);

    const decisions = await c.tick(at(5_000));
    expect(decisions[0]!.dialed).toMatchObject({ itemId: urgent, callNow: true, slotAt: null });
    expect((await c.item(urgent)).dispatchedAt).toEqual(at(5_000));
    // 101 is still on the first call: the second «now» item waits for it.
    expect((await c.item(urgentBusy)).state).toBe("queued");
    const [pacing] = await w.t.db
      .select()
      .from(callbackPacing)
      .where(eq(callbackPacing.tenantId, c.tenantId));
    expect(pacing!.nextSlotAt).toEqual(at(20_000));

    await c.finish(first);
    await c.tick(at(6_000));
    expect((await c.item(urgentBusy)).dispatchedAt).toEqual(at(6_000));
    await run((now) => c.tick(now), 6_250, 21_000);
    expect((await c.item(second)).dispatchedAt).toEqual(at(20_000));
  });
});

describe("MANGO's answer", () => {
  it("a refusal with a result code fails the item with the code in a Russian reason", async () => {
    const c = await w.newTenant();
    await c.settings({ ratePerMinute: 3 });
    const id = await c.queue();
    const wrongSalt = async () => w.mango.client({ salt: "не та соль" });
    const [d] = await c.tick(at(0), [w.t.db], wrongSalt);

    expect(d!.dialed).toMatchObject({ itemId: id, sent: "refused" });
    const item = await c.item(id);
    expect(item).toMatchObject({ state: "failed", resultCode: 3102, finishedAt: at(0) });
    expect(item.reason).toBe("MANGO отказал в звонке: код 3102 — Неверная подпись — проверьте соль");
    expect((await c.attempts())[0]).toMatchObject({ commandId: callbackCommandId(id, 1), resultCode: 3102 });
  });

  it("a group item without a line cannot be dialed: failed before any command, the slot goes to the next", async () => {
    const c = await w.newTenant();
    await c.settings({ ratePerMinute: 3 });
    const group = await c.queue({ target: { type: "group", extension: "500", amoUserId: null } });
    const next = await c.queue();
    const [d] = await c.tick(at(0));
    expect(d!.settled).toMatchObject([{ itemId: group, state: "failed" }]);
    expect((await c.item(group)).reason).toMatch(/линия/);
    expect((await c.item(next)).dispatchedAt).toEqual(at(0));
    expect((await w.commands()).some((x) => x.commandId.includes(group))).toBe(false);
  });

  it("an unknown outcome (MANGO 500 after the command was sent) leaves the item dialing and never resends it", async () => {
    const c = await w.newTenant();
    await c.settings({ ratePerMinute: 60 });
    const id = await c.queue({ extension: "101" });
    await w.mango.control("faults", {
      apiFailures: { remaining: 1, status: 500, paths: ["commands/callback"] },
    });
    const [d] = await c.tick(at(0));
    expect(d!.dialed).toMatchObject({ itemId: id, sent: "unknown" });
    await run((now) => c.tick(now), 250, 5_000);

    const item = await c.item(id);
    expect(item).toMatchObject({ state: "dialing", attempts: 1, resultCode: null });
    expect(item.reason).toMatch(/Исход команды неизвестен/);
    expect((await w.commands()).filter((x) => x.commandId.includes(id))).toHaveLength(1);
    expect(await c.attempts()).toHaveLength(1);
  });

  it("MANGO overloaded (503, nothing done): the item gets another attempt at a later slot, a new command id", async () => {
    const c = await w.newTenant();
    await c.settings({ ratePerMinute: 60 });
    const id = await c.queue({ extension: "101" });
    // The client repeats a refused command 3 times itself: 4 refusals exhaust one attempt.
    await w.mango.control("faults", {
      apiFailures: { remaining: 4, status: 503, paths: ["commands/callback"] },
    });
    const [first] = await c.tick(at(0));
    expect(first!.dialed).toMatchObject({ itemId: id, sent: "deferred" });
    expect(await c.item(id)).toMatchObject({ state: "queued", attempts: 1 });
    await c.tick(at(1_000));
    expect(await c.item(id)).toMatchObject({
      state: "dialing",
      attempts: 2,
      commandId: callbackCommandId(id, 2),
      dispatchedAt: at(1_000),
    });
    expect((await w.commands()).filter((x) => x.commandId.includes(id)).map((x) => x.commandId)).toContain(
      callbackCommandId(id, 2),
    );
    expect((await c.attempts()).map((a) => [a.commandId, a.resultCode]).sort()).toEqual([
      [callbackCommandId(id, 1), 5008],
      [callbackCommandId(id, 2), null],
    ]);
  });

  it("MANGO overloaded on every attempt: the item fails on the last one with the code", async () => {
    const c = await w.newTenant();
    await c.settings({ ratePerMinute: 60 });
    const id = await c.queue({ extension: "102" });
    await w.mango.control("faults", {
      apiFailures: { remaining: 12, status: 503, paths: ["commands/callback"] },
    });
    await run((now) => c.tick(now), 0, 3_000);
    expect(await c.item(id)).toMatchObject({ state: "failed", attempts: 3, resultCode: 5008 });
    expect((await c.item(id)).reason).toMatch(/^MANGO отказал в звонке: код 5008/);
    expect(await c.attempts()).toHaveLength(3);
  });

  it("dispatchDue never holds its transaction across the MANGO call", async () => {
    const c = await w.newTenant();
    await c.settings({ ratePerMinute: 3 });
    await c.queue();
    let seen: { locked: number; idleInTx: number } | null = null;
    await dispatchDue(w.t.db, {
      tenantId: c.tenantId,
      now: at(0),
      mango: async () => ({
        async callback() {
          // While MANGO "answers": the pacing row is free for another dispatcher, no session is in a transaction.
          const r = await w.other.execute(
            `select (select count(*) from pg_stat_activity where datname = current_database() and state like 'idle in transaction%')::int as idle_in_tx`,
          );
          const locked = await w.other.transaction(async (tx) =>
            tx.execute(
              `select tenant_id from callback_pacing where tenant_id = '${c.tenantId}' for update nowait`,
            ),
          );
          seen = {
            locked: (locked as unknown as { rows: unknown[] }).rows.length,
            idleInTx: (r as unknown as { rows: { idle_in_tx: number }[] }).rows[0]!.idle_in_tx,
          };
        },
        async callbackGroup() {},
      }),
    });
    expect(seen).toEqual({ locked: 1, idleInTx: 0 });
  });
});
