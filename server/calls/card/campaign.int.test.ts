// The call card of a Contact Center campaign autocall (issue 6 "Call card", mango-cc-and-widget.md §2.4)
// against both emulators: MANGO's campaign dialler rings the operator with the task's client (events with
// task_id + callback_initiator "ObDial"), our intake publishes the card to the operator's channel with the
// campaign task's client next to amoCRM's answer — only with «Интеграция с Контакт-центром» on; with
// «Открывать в отдельной вкладке карточку сделки при автозвонке» on, it names the open deal to open.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mangoClientFor } from "@/server/connections/mango";
import { ccFieldState } from "@/server/onboarding/cc-fields";
import { contactsWithPhone, type LogWorld, PAIRS, startLogWorld } from "@/test/calls-world";
import { createFromCard } from "./actions";
import type { CallCard } from "./card";
import { cardHub } from "./events";

/** Campaign 56919 «Заявки с сайта»: active and endless, so tasks can be added one by one. */
const CAMPAIGN = { id: 56919, name: "Заявки с сайта" };
const OPERATOR = PAIRS["101"];
const OTHER = PAIRS["102"];

let w: LogWorld;
const seen: Record<number, CallCard[]> = { [OPERATOR]: [], [OTHER]: [] };
const offs: (() => void)[] = [];

beforeAll(async () => {
  w = await startLogWorld();
  for (const id of [OPERATOR, OTHER])
    offs.push(cardHub().subscribe({ tenantId: w.tenant.id, amoUserId: id }, (c) => seen[id]!.push(c)));
});

afterAll(async () => {
  for (const off of offs) off();
  await w?.close();
});

async function addTask(number: string, name: string, comment?: string): Promise<number> {
  const mango = await mangoClientFor(w.t.db, { tenantId: w.tenant.id });
  const { taskId } = await mango.addCampaignTask({
    campaignId: CAMPAIGN.id,
    number,
    name,
    ...(comment ? { comment } : {}),
  });
  return taskId;
}

const control = (path: string, body: unknown) =>
  fetch(`${w.mango.url}/__control/${path}`, { method: "POST", body: JSON.stringify(body) });

/** MANGO dials the task, operator 101 first; returns once every event (so far) reached our intake. */
async function dial(taskId: number, instant = true): Promise<string> {
  const res = await control("scenarios", {
    type: "campaign",
    instant,
    campaignId: CAMPAIGN.id,
    taskId,
    operator: "101",
  });
  const { entry_id } = (await res.json()) as { entry_id: string };
  await fetch(`${w.mango.url}/__control/deliveries?wait=1`);
  return entry_id;
}

const cardsOf = (userId: number, entryId: string) => seen[userId]!.filter((c) => c.entryId === entryId);
const lastOf = (userId: number, entryId: string) => cardsOf(userId, entryId).at(-1);

const settle = async (entryId: string) =>
  vi.waitFor(() =>
    expect(lastOf(OPERATOR, entryId)).toMatchObject({
      lookup: "done",
      campaign: { campaignId: CAMPAIGN.id },
    }),
  );

describe("Contact Center campaign call card", () => {
  it("«Интеграция с Контакт-центром» off: no card at all", async () => {
    await w.settings({ extra: { contactCenter: { enabled: false } } });
    const entryId = await dial(await addTask("+79031112233", "Петрова Анна"));
    // The card would go out straight from the intake; give it the time a card takes.
    await new Promise((r) => setTimeout(r, 500));
    expect(cardsOf(OPERATOR, entryId)).toEqual([]);
    expect(cardsOf(OTHER, entryId)).toEqual([]);
  });

  it("on: the operator's card shows the campaign task's client beside amoCRM's contact; no new tab when that option is off", async () => {
    await w.settings({
      extra: { contactCenter: { enabled: true, dpTasks: { enabled: true, openDealInNewTab: false } } },
    });
    const taskId = await addTask("+79857776655", "Смирнова Ольга", "Продлить сервисный договор");
    const entryId = await dial(taskId);
    await settle(entryId);
    const cards = cardsOf(OPERATOR, entryId);
    // From the first ring on, the card says it is a campaign call.
    expect(cards[0]).toMatchObject({ phone: "+79857776655", extension: "101", campaign: { taskId } });
    const card = cards.at(-1)!;
    expect(card.campaign).toEqual({
      taskId,
      campaignId: CAMPAIGN.id,
      campaignName: CAMPAIGN.name,
      clientName: "Смирнова Ольга",
      phone: "+79857776655",
      alternativeNumbers: [],
      comment: "Продлить сервисный договор",
    });
    expect(card.client).toMatchObject({ status: "known", contact: { id: 11070885, name: "Ольга Смирнова" } });
    expect(card.client?.leads.map((l) => l.id)).toContain(54884);
    for (const c of cards) expect(c).not.toHaveProperty("openDealUrl");
    expect(cardsOf(OTHER, entryId)).toEqual([]);
  });

  it("with «Открывать в отдельной вкладке карточку сделки при автозвонке» on, the card names the open deal", async () => {
    await w.settings({
      extra: { contactCenter: { enabled: true, dpTasks: { enabled: true, openDealInNewTab: true } } },
    });
    const entryId = await dial(await addTask("+79161234567", "Иванов Иван"));
    await settle(entryId);
    const card = lastOf(OPERATOR, entryId)!;
    expect(card.client?.contact?.id).toBe(3);
    expect(card.openDealUrl).toMatch(/\/leads\/detail\/167353$/);
  });

  it("the new-tab option counts only under its parents: «digital-воронка» off → no deal to open", async () => {
    await w.settings({
      extra: { contactCenter: { enabled: true, dpTasks: { enabled: false, openDealInNewTab: true } } },
    });
    const entryId = await dial(await addTask("+79265554433", "Кузнецов Сергей"));
    await settle(entryId);
    expect(lastOf(OPERATOR, entryId)?.client?.contact?.id).toBe(11070883);
    expect(lastOf(OPERATOR, entryId)).not.toHaveProperty("openDealUrl");
  });

  it("a contact created from a campaign card is named after the task's client and gets the three ЦОВ fields", async () => {
    await w.settings({ extra: { contactCenter: { enabled: true } } });
    const phone = "+79995550101";
    const taskId = await addTask(phone, "Новикова Мария");
    const entryId = await dial(taskId);
    await settle(entryId);
    expect(lastOf(OPERATOR, entryId)?.client?.status).toBe("new");

    const made = await createFromCard(w.t.db, {
      tenant: w.tenant,
      amoUserId: OPERATOR,
      entryId,
      action: "contact",
    });
    expect(made).toMatchObject({ ok: true, created: true });
    const [contact] = contactsWithPhone(await w.amoState(), phone);
    expect(contact).toMatchObject({ name: "Новикова Мария", responsible_user_id: OPERATOR });
    const { ids } = await ccFieldState(w.t.db, { tenantId: w.tenant.id });
    const fields = (contact!.custom_fields_values ?? []) as {
      field_id: number;
      values: { value: unknown }[];
    }[];
    const fieldValue = (id: number) => fields.find((f) => f.field_id === id)?.values[0]?.value;
    expect(fieldValue(ids!.campaignName)).toBe(CAMPAIGN.name);
    expect(fieldValue(ids!.campaignId)).toBe(String(CAMPAIGN.id));
    expect(fieldValue(ids!.clientId)).toBe(String(taskId));
  });

  it("with the integration turned off meanwhile, the card's buttons no longer act on a campaign call", async () => {
    await w.settings({ extra: { contactCenter: { enabled: true } } });
    const entryId = await dial(await addTask("+79995550102", "Соколов Пётр"));
    await settle(entryId);
    await w.settings({ extra: { contactCenter: { enabled: false } } });
    expect(
      await createFromCard(w.t.db, { tenant: w.tenant, amoUserId: OPERATOR, entryId, action: "contact" }),
    ).toEqual({ ok: false, reason: "call_not_found" });
    expect(contactsWithPhone(await w.amoState(), "+79995550102")).toEqual([]);
  });

  it("stays «answered» while the operator talks on the client's leg MANGO bridged them to, and ends with it", async () => {
    await w.settings({ extra: { contactCenter: { enabled: true } } });
    const taskId = await addTask("+78122223344", "Васильев Дмитрий");
    await control("clock", { freeze: true });
    try {
      const entryId = await dial(taskId, false);
      // Operator answers at 3.5 s; at 5.5 s MANGO ends the operator's leg (1000) and rings the client on a
      // leg taken from it, who answers at 12.5 s and talks 30 s.
      await control("clock", { advance: 14_000 });
      await fetch(`${w.mango.url}/__control/deliveries?wait=1`);
      await settle(entryId);
      expect(lastOf(OPERATOR, entryId)?.state).toBe("answered");
      expect(cardsOf(OPERATOR, entryId).map((c) => c.state)).not.toContain("ended");
      await control("clock", { advance: 60_000 });
      await fetch(`${w.mango.url}/__control/deliveries?wait=1`);
      await vi.waitFor(() => expect(lastOf(OPERATOR, entryId)?.state).toBe("ended"));
    } finally {
      await control("clock", { freeze: false });
    }
  });
});
