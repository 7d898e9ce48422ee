import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mangoEmployees, smsMessages } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { syncAmocrmDirectory } from "@/server/directory/amocrm-sync";
import { addMembership, upsertUser } from "@/server/tenancy/queries";
import type { SessionIdentity } from "@/server/trpc/init";
import { createCaller } from "@/server/trpc/router";
import { type LogWorld, PAIRS, startLogWorld } from "@/test/calls-world";
import { saveRule } from "./store";

/**
 * The editor's procedures on real PostgreSQL and both emulators: rules.editorContext (stages, who can get
 * an SMS and why not, fields and macros, the caller's right to save), rules.stageDeals (the preview
 * picker) and rules.preview (the draft rendered on a deal exactly as the send path would).
 */
let w: LogWorld;
let author: SessionIdentity;
let manager: SessionIdentity;

const NEGOTIATION = { pipelineId: 3383152, statusId: 33929755 }; // «Переговоры» of the demo account
const SUPPLY_DEAL = 167353; // «Поставка оборудования — Иванов», 150 000, tag «Горячий», responsible 101
/** Paired with 101 (mobile given below): the deals' responsible. */
const MANAGER = { amoUserId: PAIRS["101"], name: "Алексей Смирнов", mobile: "+79161110101" };
const ANALYST = 32321; // paired with 102, whose employee has no mobile in this world
const TEMPLATE =
  "Добрый день, {{maincontact.name}}! Ваш персональный менеджер {{user.name}}, тел. +74 955 404 444, доб.{{user.phone}}";

const caller = (session: SessionIdentity) =>
  createCaller({ db: w.t.db, queue: createLocalQueue(w.t.db), session, requestId: "test" });

beforeAll(async () => {
  w = await startLogWorld();
  await w.t.db
    .update(mangoEmployees)
    .set({ mobile: MANAGER.mobile })
    .where(and(eq(mangoEmployees.tenantId, w.tenant.id), eq(mangoEmployees.extension, "101")));
  await syncAmocrmDirectory(w.t.db, { tenantId: w.tenant.id, client: w.amocrm() });
  const analyst = await upsertUser(w.t.db, { amocrmUserId: ANALYST, name: "Ольга Кузнецова" });
  await addMembership(w.t.db, { tenantId: w.tenant.id, userId: analyst.id, role: "admin" });
  const mgr = await upsertUser(w.t.db, { amocrmUserId: MANAGER.amoUserId, name: MANAGER.name });
  await addMembership(w.t.db, { tenantId: w.tenant.id, userId: mgr.id, role: "member" });
  author = { userId: analyst.id, tenantId: w.tenant.id };
  manager = { userId: mgr.id, tenantId: w.tenant.id };
}, 60_000);
afterAll(() => w?.close());

describe("rules.editorContext", () => {
  it("lists the stages, every user with whether an employee SMS reaches them, fields and macros", async () => {
    const ctx = await caller(author).rules.editorContext();
    const main = ctx.pipelines.find((p) => p.id === NEGOTIATION.pipelineId);
    expect(main?.statuses.map((s) => s.name)).toContain("Переговоры");

    const byId = new Map(ctx.users.map((u) => [u.amoUserId, u]));
    expect(byId.get(MANAGER.amoUserId)).toMatchObject({ available: true, extension: "101", code: null });
    expect(byId.get(ANALYST)).toMatchObject({ available: false, extension: "102", code: "no_mobile" });
    expect(byId.get(ANALYST)?.reason).toContain("не указан мобильный телефон");
    const admin = byId.get(504141);
    expect(admin).toMatchObject({ available: false, extension: null, code: "no_extension" });
    expect(admin?.reason).toContain("не сопоставлен с внутренним номером");

    expect(ctx.fields.problem).toBeNull();
    expect(ctx.fields.lead.map((f) => f.name)).toContain("Комментарий");
    const leadMacros = ctx.macros.find((g) => g.group === "lead")!.macros.map((m) => m.token);
    expect(leadMacros).toEqual(expect.arrayContaining(["{{lead.price}}", "{{lead.cf.294471}}"]));
    const contactMacros = ctx.macros.find((g) => g.group === "maincontact")!.macros.map((m) => m.token);
    // Phone and e-mail fields have their own macros; "Должность" is offered as a custom field.
    expect(contactMacros).toContain("{{maincontact.cf.271316}}");
    expect(contactMacros).not.toContain("{{maincontact.cf.66192}}");

    // The caller: an admin paired with 102 — may save, but "лично мне" would reach no phone.
    expect(ctx.me).toMatchObject({ amoUserId: ANALYST, role: "admin", hasExtension: true, canEdit: true });
    expect(ctx.me.sms.code).toBe("no_mobile");
  });

  it("offers the sender names the account's rules already use", async () => {
    expect((await caller(author).rules.editorContext()).senderNames).toEqual([]);
    await saveRule(w.t.db, {
      tenantId: w.tenant.id,
      actorUserId: author.userId,
      authorAmoUserId: ANALYST,
      draft: {
        ...NEGOTIATION,
        name: "",
        enabled: true,
        trigger: "entered_stage",
        conditions: { mode: "all", items: [] },
        actions: [
          { kind: "sms", recipients: ["client"], senderName: "AMANGO", template: "Привет", fallback: null },
        ],
        applyToCurrentDeals: false,
      },
    });
    expect((await caller(author).rules.editorContext()).senderNames).toEqual(["AMANGO"]);
  });

  it("offers first the names MANGO sent with, never one a rule could not be saved with (issue 11 §5)", async () => {
    const sms = (senderName: string, status: "delivered" | "failed", n: number) => ({
      tenantId: w.tenant.id,
      recipientRole: "client",
      phone: "+79161112233",
      text: "Привет",
      fromExtension: "102",
      senderName,
      status,
      idempotencyKey: `senders:${n}`,
      commandId: `senders-${n}`,
    });
    await w.t.db
      .insert(smsMessages)
      .values([
        sms("ZETA", "delivered", 1),
        sms("Refused", "failed", 2),
        sms("Romashka-Service", "delivered", 3),
      ]);
    // ZETA went out (first), AMANGO is in a rule; the refused and the over-long names are not offered.
    expect((await caller(author).rules.editorContext()).senderNames).toEqual(["ZETA", "AMANGO"]);
  });
});

describe("rules.stageDeals", () => {
  it("lists the deals now in the stage and narrows them with amoCRM's search", async () => {
    const all = await caller(author).rules.stageDeals({ ...NEGOTIATION });
    expect(all.deals.map((d) => d.id)).toEqual([SUPPLY_DEAL]);
    expect(all.deals[0]).toMatchObject({ price: 150000, responsibleName: MANAGER.name, tags: ["Горячий"] });
    expect((await caller(author).rules.stageDeals({ ...NEGOTIATION, query: "Иванов" })).deals).toHaveLength(
      1,
    );
    expect((await caller(author).rules.stageDeals({ ...NEGOTIATION, query: "Петрова" })).deals).toEqual([]);
  });
});

describe("rules.preview", () => {
  const draft = {
    ...NEGOTIATION,
    trigger: "responsible_changed" as const,
    conditions: {
      mode: "all" as const,
      items: [
        { kind: "budget" as const, op: "gt" as const, value: 50_000 },
        { kind: "tag" as const, op: "equals" as const, value: "vip" },
      ],
    },
    sms: {
      recipients: ["client" as const, "responsible" as const, "author" as const],
      template: TEMPLATE,
      fallback: null,
    },
  };

  it("renders the text on the deal, counts its segments and names who gets it and who not", async () => {
    const out = await caller(author).rules.preview({ ...draft, leadId: SUPPLY_DEAL });
    if (!out.found) throw new Error("deal not found");
    expect(out.deal).toMatchObject({ id: SUPPLY_DEAL, inStage: true, responsibleName: MANAGER.name });
    expect(out.text).toMatchObject({
      ok: true,
      text: "Добрый день, Иван Иванов! Ваш персональный менеджер Алексей Смирнов, тел. +74 955 404 444, доб.101",
      count: { encoding: "UCS-2", segments: 2, perSegment: 67 },
      limit: 268,
      limitReason: null,
    });
    // The deal is not tagged vip: the preview says the rule would skip it, with the failing condition.
    expect(out.conditions.matches).toBe(false);
    expect(out.conditions.reason).toContain("vip");

    expect(out.recipients.map((r) => r.roles)).toEqual([["client"], ["responsible"]]);
    expect(out.recipients[1]!.phone).toBe("+7916***0101");
    expect(out.skipped).toEqual([
      expect.objectContaining({ role: "author", reason: expect.stringContaining("мобильный") }),
    ]);
  });

  it("says why the SMS is skipped when a macro has no value and no fallback is set, and uses a fallback", async () => {
    const sms = { ...draft.sms, template: "Комментарий: {{lead.cf.294471}}" };
    const skipped = await caller(author).rules.preview({ ...draft, sms, leadId: SUPPLY_DEAL });
    if (!skipped.found) throw new Error("deal not found");
    expect(skipped.text).toMatchObject({ ok: false, reason: expect.stringContaining("{{lead.cf.294471}}") });

    const withFallback = await caller(author).rules.preview({
      ...draft,
      sms: { ...sms, fallback: "нет" },
      leadId: SUPPLY_DEAL,
    });
    if (!withFallback.found) throw new Error("deal not found");
    expect(withFallback.text).toMatchObject({
      ok: true,
      text: "Комментарий: нет",
      fallbackFor: ["{{lead.cf.294471}}"],
    });
  });

  it("shows a rendered text over MANGO's limit with the reason, and a missing deal as not found", async () => {
    const sms = { ...draft.sms, template: `${"Я".repeat(260)} {{user.name}}` };
    const over = await caller(author).rules.preview({ ...draft, sms, leadId: SUPPLY_DEAL });
    if (!over.found || !over.text.ok) throw new Error("expected a rendered text");
    expect(over.text.count.units).toBeGreaterThan(268);
    expect(over.text.limitReason).toContain("из 268");

    expect(await caller(manager).rules.preview({ ...draft, leadId: 999_999_999 })).toEqual({ found: false });
  });
});
