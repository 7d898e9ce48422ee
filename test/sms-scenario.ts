// The acceptance world of issue 7 (DP rules and SMS), put into both emulators and our database:
//   amoCRM: «Лопаткин Василий» and two more users, the contact «Олег» with a mobile, a vip deal of 75 000 in
//   «Переговоры» and a deal in the same stage without the tag;
//   MANGO: extension 100 «Лопаткин Василий» with a mobile, extension 106 without one;
//   our DB: those amoCRM users and MANGO employees as onboarding caches them, with the pairs.
// Every test and e2e run of the rules and SMS builds on these names, so they are exported as SCENARIO.
import { and, eq, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { amocrmUsers, employeeLinks, mangoEmployees } from "@/db/schema";
import { contact, lead, phoneCf, user } from "@/emulators/amocrm/seed-builders";
import { PIPELINE_MAIN, STATUS, USERS } from "@/emulators/amocrm/seed-ids";
import type { State as AmoState, Lead } from "@/emulators/amocrm/state";
import { DEMO_PRODUCT_ID } from "@/emulators/mango/seed-constants";
import type { Employee, Pbx } from "@/emulators/mango/types";

/** MANGO's user id is product id × 10 + extension in the emulator's seed; sync keys rows by it. */
const mangoUserId = (extension: string) => DEMO_PRODUCT_ID * 10 + Number(extension);

export const SCENARIO = {
  subdomain: "demo",
  pbx: "demo",
  pipelineId: PIPELINE_MAIN,
  /** «Переговоры» of «Основная воронка». */
  negotiation: { pipelineId: PIPELINE_MAIN, statusId: STATUS.mainNegotiation, name: "Переговоры" },
  lostStatusId: STATUS.lost,
  /** Paired with extension 100, which has a mobile: the manager the vip deal is handed to. */
  lopatkin: {
    amoUserId: 6_100_100,
    name: "Лопаткин Василий",
    email: "lopatkin@demo.example",
    extension: "100",
    mangoUserId: mangoUserId("100"),
    mobile: "+79161110100",
  },
  /** Paired with extension 106, which has no mobile: gets no SMS, not offered as a recipient. */
  noMobile: {
    amoUserId: 6_100_106,
    name: "Белова Ирина",
    email: "belova@demo.example",
    extension: "106",
    mangoUserId: mangoUserId("106"),
    mobile: null,
  },
  /** Not paired with any extension: gets no SMS, not offered as a recipient. */
  unpaired: { amoUserId: 6_100_107, name: "Орлов Пётр", email: "orlov@demo.example" },
  /** The account's admin (the emulator's current user), paired with extension 104 so they may save SMS rules. */
  admin: {
    amoUserId: USERS.admin,
    name: "Анна Администратова",
    extension: "104",
    mangoUserId: mangoUserId("104"),
    mobile: "+79161110104",
  },
  /** The client: a work phone first and the mobile (MOB) second, so "the mobile" has to be chosen. */
  oleg: {
    contactId: 39_000_001,
    name: "Олег",
    workPhone: "+74957770011",
    mobile: "+79267770011",
  },
  vipTag: { id: 39_000_201, name: "vip" },
  /** In «Переговоры», tag vip, 75 000, main contact Олег, responsible Алексей Смирнов (not Лопаткин). */
  vipDeal: {
    leadId: 39_000_101,
    name: "Олег — персональное обслуживание",
    price: 75_000,
    responsibleAmoUserId: USERS.manager,
  },
  /** Same stage, budget and contact, but no vip tag: a rule on tag = vip skips it. */
  plainDeal: {
    leadId: 39_000_103,
    name: "Олег — разовый заказ",
    price: 75_000,
    responsibleAmoUserId: USERS.manager,
  },
  /** The text acceptance 1 and 2 expect for the rule's template on the vip deal handed to Лопаткин. */
  template:
    "Добрый день, {{maincontact.name}}! Ваш персональный менеджер {{user.name}}, тел. +74 955 404 444, доб.{{user.phone}}",
  expectedText:
    "Добрый день, Олег! Ваш персональный менеджер Лопаткин Василий, тел. +74 955 404 444, доб.100",
} as const;

type Json = Record<string, unknown>;

async function control(base: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}/__control/${path}`, {
    method: body === undefined ? "GET" : "POST",
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`control ${path} at ${base}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

const upsertBy = <T extends { id: number }>(list: T[], item: T) => {
  const i = list.findIndex((x) => x.id === item.id);
  if (i >= 0) list[i] = item;
  else list.push(item);
};

function scenarioLead(d: { leadId: number; name: string; price: number; responsibleAmoUserId: number }) {
  const l: Lead = lead(d.leadId, d.name, d.price, SCENARIO.pipelineId, SCENARIO.negotiation.statusId, [
    SCENARIO.oleg.contactId,
  ]);
  l.responsible_user_id = d.responsibleAmoUserId;
  return l;
}

/**
 * amoCRM: reads the whole state, adds the scenario (replacing its own entities if already there) and loads
 * it back. `POST /__control/seed` also resets the emulator's clock, faults, logs and deliveries, so call this
 * before a test sets any of those. Tokens, webhooks and DP actions are part of the state and survive.
 */
export async function seedAmocrmScenario(amocrmUrl: string): Promise<void> {
  const state = (await control(amocrmUrl, "state")) as AmoState;
  const acc = state.accounts[SCENARIO.subdomain];
  if (!acc) throw new Error(`amoCRM emulator has no account ${SCENARIO.subdomain}`);
  for (const u of [SCENARIO.lopatkin, SCENARIO.noMobile, SCENARIO.unpaired])
    upsertBy(acc.users, user(u.amoUserId, u.name, u.email, false, 267688));
  upsertBy(acc.tags.leads, { ...SCENARIO.vipTag, color: null });
  const oleg = contact(SCENARIO.oleg.contactId, SCENARIO.oleg.name, "", [], SCENARIO.lopatkin.amoUserId);
  const [work, mob] = [phoneCf(SCENARIO.oleg.workPhone, "WORK"), phoneCf(SCENARIO.oleg.mobile, "MOB")];
  oleg.custom_fields_values = [{ field_id: work.field_id, values: [...work.values, ...mob.values] }];
  oleg.responsible_user_id = USERS.manager;
  upsertBy(acc.contacts, oleg);
  const vip = scenarioLead(SCENARIO.vipDeal);
  vip.tag_ids = [SCENARIO.vipTag.id];
  upsertBy(acc.leads, vip);
  upsertBy(acc.leads, scenarioLead(SCENARIO.plainDeal));
  await control(amocrmUrl, "seed", { state });
}

function mangoEmployee(pbx: Pbx, e: { extension: string; name: string; mobile: string | null }): Employee {
  const login = `ext${e.extension}`;
  const domain = `vpbx${pbx.productId}.mangosip.ru`;
  return {
    userId: pbx.productId * 10 + Number(e.extension),
    extension: e.extension,
    name: e.name,
    email: `${login}@amango-demo.ru`,
    department: "Отдел продаж",
    position: "Менеджер",
    mobile: e.mobile,
    login: `${pbx.productId}/${login}`,
    accessRoleId: 3,
    sips: [`${login}@${domain}`],
    numbers: [
      { number: `sip:${login}@${domain}`, protocol: "sip", order: 0, waitSec: 20, status: "on" },
      ...(e.mobile
        ? [
            {
              number: e.mobile.replace(/\D/g, ""),
              protocol: "tel" as const,
              order: 1,
              waitSec: 20,
              status: "on" as const,
            },
          ]
        : []),
    ],
    outgoingLine: pbx.lines[0]?.number ?? null,
    lineId: pbx.lines[0]?.lineId ?? null,
    groups: [],
  };
}

/** MANGO: extensions 100 (with a mobile) and 106 (without), through `GET state` + `POST load`. */
export async function seedMangoScenario(mangoUrl: string): Promise<void> {
  const snapshot = (await control(mangoUrl, "state")) as Json & { pbxes: Pbx[] };
  const pbx = snapshot.pbxes.find((p) => p.id === SCENARIO.pbx);
  if (!pbx) throw new Error(`MANGO emulator has no account ${SCENARIO.pbx}`);
  for (const e of [SCENARIO.lopatkin, SCENARIO.noMobile]) {
    const emp = mangoEmployee(pbx, e);
    pbx.employees = [...pbx.employees.filter((x) => x.extension !== e.extension), emp];
  }
  await control(mangoUrl, "load", { snapshot });
}

/**
 * Our database, as onboarding leaves it: the scenario's amoCRM users cached, the MANGO employees cached under
 * the key the MANGO sync uses (`user:<MANGO user id>`, so a later sync updates the same rows), and the pairs
 * Лопаткин ↔ 100, Белова ↔ 106, admin ↔ 104. Орлов stays unpaired. Safe to run twice.
 */
export async function seedScenarioDb(db: Db, { tenantId }: { tenantId: string }): Promise<void> {
  const users = [SCENARIO.lopatkin, SCENARIO.noMobile, SCENARIO.unpaired];
  for (const u of users) {
    const values = { tenantId, amoUserId: u.amoUserId, name: u.name, email: u.email, groupId: 267688 };
    await db
      .insert(amocrmUsers)
      .values({ ...values, groupName: "Менеджеры" })
      .onConflictDoUpdate({ target: [amocrmUsers.tenantId, amocrmUsers.amoUserId], set: values });
  }
  await db
    .insert(amocrmUsers)
    .values({ tenantId, amoUserId: SCENARIO.admin.amoUserId, name: SCENARIO.admin.name, isAdmin: true })
    .onConflictDoNothing();

  const mango: { extension: string; name: string; mangoUserId: number; mobile: string | null }[] = [
    SCENARIO.lopatkin,
    SCENARIO.noMobile,
    SCENARIO.admin, // MANGO 104 is the admin in the emulator seed, same name
  ];
  for (const e of mango) {
    const values = { extension: e.extension, name: e.name, mobile: e.mobile, isPresent: true };
    const [row] = await db
      .insert(mangoEmployees)
      .values({ tenantId, mangoKey: `user:${e.mangoUserId}`, ...values })
      .onConflictDoUpdate({ target: [mangoEmployees.tenantId, mangoEmployees.mangoKey], set: values })
      .returning();
    const amoUserId = users.find((u) => "extension" in u && u.extension === e.extension)?.amoUserId;
    await pair(db, tenantId, row!.id, amoUserId ?? SCENARIO.admin.amoUserId);
  }
}

/** One employee ↔ one user: whatever either side was paired with before gives way to this pair. */
async function pair(db: Db, tenantId: string, mangoEmployeeId: string, amoUserId: number) {
  await db
    .delete(employeeLinks)
    .where(
      and(
        eq(employeeLinks.tenantId, tenantId),
        or(eq(employeeLinks.mangoEmployeeId, mangoEmployeeId), eq(employeeLinks.amoUserId, amoUserId)),
      ),
    );
  await db.insert(employeeLinks).values({ tenantId, mangoEmployeeId, amoUserId, source: "manual" });
}

/**
 * The whole acceptance world. The emulators part needs only their URLs (e2e may seed them before the portal
 * has a tenant); the database part runs when `db` and `tenantId` are given.
 */
export async function seedSmsScenario(opts: {
  amocrmUrl: string;
  mangoUrl: string;
  db?: Db;
  tenantId?: string;
}): Promise<typeof SCENARIO> {
  await seedAmocrmScenario(opts.amocrmUrl);
  await seedMangoScenario(opts.mangoUrl);
  if (opts.db && opts.tenantId) await seedScenarioDb(opts.db, { tenantId: opts.tenantId });
  return SCENARIO;
}
