import type { Campaign, CampaignTask, CcTag, Employee, Group, Line, Pbx } from "./types";

/** Credentials of the demo account ("Виртуальная АТС" demo). Others (tests, the demo) rely on these values. */
export const DEMO_PBX_ID = "demo";
export const DEMO_VPBX_API_KEY = "demo-vpbx-key";
export const DEMO_VPBX_API_SALT = "demo-vpbx-salt";
export const DEMO_PRODUCT_ID = 400000001;

/** A second, unrelated account: used to prove one account never sees or signs for another. */
export const OTHER_PBX_ID = "other";
export const OTHER_VPBX_API_KEY = "other-vpbx-key";
export const OTHER_VPBX_API_SALT = "other-vpbx-salt";
export const OTHER_PRODUCT_ID = 400000002;

export const DEFAULT_EVENTS_BASE_URL = "http://localhost:3000/api/mango/demo";
export const DEFAULT_OTHER_EVENTS_BASE_URL = "http://localhost:3000/api/mango/other";

/** Seeded line numbers and campaign ids, exported so tests and docs do not hard-code magic numbers. */
export const DEMO_LINE_MAIN = "74950000000";
export const DEMO_LINE_TOLL_FREE = "78005550000";
export const CAMPAIGN_ACTIVE_ENDLESS = 56919;
export const CAMPAIGN_ACTIVE_FINITE = 77002;
export const CAMPAIGN_PAUSED = 77001;
export const CAMPAIGN_COMPLETED = 1254251;

/** Fixed seed epoch (2026-11-02 09:00 UTC) so seeded timestamps are identical on every run. */
export const SEED_EPOCH_SECONDS = 1793610000;

function employee(
  productId: number,
  domain: string,
  ext: string,
  name: string,
  login: string,
  email: string,
  mobile: string,
  groups: number[],
  position: string,
  department: string,
): Employee {
  const userId = productId * 10 + Number(ext);
  const mobileDigits = mobile.replace(/\D/g, "");
  return {
    userId,
    extension: ext,
    name,
    email,
    department,
    position,
    mobile,
    login: `${productId}/${login}`,
    accessRoleId: 3,
    sips: [`${login}@${domain}`],
    numbers: [
      { number: `sip:${login}@${domain}`, protocol: "sip", order: 0, waitSec: 20, status: "on" },
      { number: mobileDigits, protocol: "tel", order: 1, waitSec: 20, status: "on" },
    ],
    outgoingLine: DEMO_LINE_MAIN,
    lineId: 300100001,
    groups,
  };
}

function demoEmployees(): Employee[] {
  const d = `vpbx${DEMO_PRODUCT_ID}.mangosip.ru`;
  const p = DEMO_PRODUCT_ID;
  const list = [
    employee(
      p,
      d,
      "101",
      "Иванов Иван Петрович",
      "ivanov",
      "ivanov@amango-demo.ru",
      "+79161110101",
      [10060001],
      "Менеджер по продажам",
      "Отдел продаж",
    ),
    employee(
      p,
      d,
      "102",
      "Петрова Анна Сергеевна",
      "petrova",
      "petrova@amango-demo.ru",
      "+79161110102",
      [10060001],
      "Старший менеджер",
      "Отдел продаж",
    ),
    employee(
      p,
      d,
      "103",
      "Сидоров Олег Викторович",
      "sidorov",
      "sidorov@amango-demo.ru",
      "+79161110103",
      [10060002],
      "Специалист поддержки",
      "Поддержка",
    ),
    employee(
      p,
      d,
      "104",
      "Кузнецова Мария Игоревна",
      "kuznetsova",
      "kuznetsova@amango-demo.ru",
      "+79161110104",
      [10060002, 10060001],
      "Руководитель поддержки",
      "Поддержка",
    ),
    employee(
      p,
      d,
      "105",
      "Смирнов Дмитрий Алексеевич",
      "smirnov",
      "smirnov@amango-demo.ru",
      "+79161110105",
      [],
      "Директор",
      "Администрация",
    ),
  ];
  // One employee typed a local-format landline: shows MANGO's number normalisation (number_normalized).
  list[4]?.numbers.push({
    number: "84951110105",
    normalized: "74951110105",
    protocol: "tel",
    order: 2,
    waitSec: 15,
    status: "off",
  });
  return list;
}

function groups(
  lineId: number,
  a: number,
  b: number,
  ops: [number[], number[]],
  names: [string, string],
): Group[] {
  const mk = (id: number, ext: string, name: string, users: number[]): Group => ({
    id,
    name,
    description: `Группа «${name}»`,
    extension: ext,
    dialAlgGroup: 1,
    dialAlgUsers: 1,
    lineId,
    operators: users.map((userId, i) => ({ userId, priority: i + 1, order: i + 1 })),
  });
  return [mk(a, "201", names[0], ops[0]), mk(b, "202", names[1], ops[1])];
}

function demoLines(): Line[] {
  return [
    {
      lineId: 300100001,
      number: DEMO_LINE_MAIN,
      name: "Основная",
      comment: "Москва, многоканальный",
      region: "77",
      schemaId: 11000001,
      schemaName: "Основная схема",
    },
    {
      lineId: 300100002,
      number: DEMO_LINE_TOLL_FREE,
      name: "8-800",
      comment: null,
      region: "toll-free",
      schemaId: 11000001,
      schemaName: "Основная схема",
    },
    {
      lineId: 300100003,
      number: `sip:main@vpbx${DEMO_PRODUCT_ID}.mangosip.ru`,
      name: "sip-main",
      comment: "SIP линия",
      region: "sip",
      schemaId: 10000008,
      schemaName: "По умолчанию",
    },
  ];
}

function campaign(id: number, name: string, status: number, over: Partial<Campaign>): Campaign {
  const s = SEED_EPOCH_SECONDS;
  return {
    campaign_id: id,
    line_id: 300100001,
    created_by: { user_id: DEMO_PRODUCT_ID * 10 + 105, name: "Смирнов Дмитрий Алексеевич", extension: "105" },
    name,
    start: s - 86400 * 7,
    end: s + 86400 * 60,
    status,
    priority: 2,
    members: ["101", "102"],
    redial_busy: 3,
    redial_no_answer: 3,
    redial_not_avail: 3,
    timer_busy: 900,
    timer_no_answer: 1800,
    timer_not_avail: 1800,
    answer_wait: 30,
    add_calls_coef: 1,
    dial_mode: 3,
    call_processing: 30,
    status_reason: 1,
    schema_id: null,
    created: s - 86400 * 8,
    sip_trunk_id_operator: null,
    sip_trunk_id_client: null,
    service_type: 8,
    tasks_count: 0,
    finished_tasks_count: 0,
    completed: null,
    endless: false,
    ...over,
  };
}

function demoCampaigns(): Campaign[] {
  const s = SEED_EPOCH_SECONDS;
  return [
    campaign(CAMPAIGN_ACTIVE_ENDLESS, "Заявки с сайта", 2, { endless: true }),
    campaign(CAMPAIGN_ACTIVE_FINITE, "Продление договоров", 2, {}),
    campaign(CAMPAIGN_PAUSED, "Опрос качества", 0, { status_reason: 1, members: ["103", "104"] }),
    // Mirrors the documented example campaign "ММ Обзвон": status 4 = "Завершена", status_reason 3 = expired.
    campaign(CAMPAIGN_COMPLETED, "ММ Обзвон", 4, {
      status_reason: 3,
      end: s - 86400,
      completed: s - 86390,
      dial_mode: 3,
    }),
  ];
}

function task(
  id: number,
  campaignId: number,
  name: string,
  number: string,
  over: Partial<CampaignTask>,
): CampaignTask {
  const s = SEED_EPOCH_SECONDS - 3600;
  return {
    taskId: id,
    campaignId,
    name,
    number,
    priority: 1000,
    organization: "",
    position: "",
    comment: "",
    dueDate: null,
    blockedUntil: null,
    customFields: null,
    subtasks: [],
    status: 1,
    statusReason: null,
    talkDuration: null,
    transferNumber: null,
    operatorId: null,
    attempts: 0,
    firstAttempt: null,
    lastAttempt: null,
    created: s,
    updated: s,
    end: null,
    taskComment: "",
    ...over,
  };
}

function demoTasks(): CampaignTask[] {
  const done = SEED_EPOCH_SECONDS - 7200;
  return [
    task(9000001, CAMPAIGN_ACTIVE_FINITE, "Орлов Павел", "79031234501", { organization: "ООО Ромашка" }),
    task(9000002, CAMPAIGN_ACTIVE_FINITE, "Волкова Елена", "79031234502", {}),
    task(9000003, CAMPAIGN_PAUSED, "Зайцев Артём", "79031234503", {}),
    task(9000004, CAMPAIGN_COMPLETED, "Лебедев Игорь", "79031234504", {
      status: 4,
      statusReason: 1,
      talkDuration: 42,
      transferNumber: "101",
      operatorId: DEMO_PRODUCT_ID * 10 + 101,
      attempts: 1,
      firstAttempt: done,
      lastAttempt: done,
      end: done + 60,
      updated: done + 60,
      taskComment: "Клиент продлил договор",
    }),
  ];
}

function demoTags(): CcTag[] {
  return [
    {
      id: 10070001,
      parent: null,
      name: "Исходящий обзвон",
      category: 4,
      groups: [0],
      campaigns: [0],
      is_folder: 1,
    },
    {
      id: 10070002,
      parent: 10070001,
      name: "Интересно",
      category: 4,
      groups: [0],
      campaigns: [0],
      is_folder: 0,
    },
    {
      id: 10070003,
      parent: 10070001,
      name: "Не интересно",
      category: 4,
      groups: [0],
      campaigns: [0],
      is_folder: 0,
    },
    {
      id: 10070004,
      parent: 10070001,
      name: "Перезвонить позже",
      category: 4,
      groups: [0],
      campaigns: [CAMPAIGN_ACTIVE_ENDLESS],
      is_folder: 0,
    },
    {
      id: 10070005,
      parent: null,
      name: "Входящий вопрос",
      category: 1,
      groups: [10060001],
      campaigns: null,
      is_folder: 0,
    },
  ];
}

function finishCampaignCounts(pbx: Pbx): Pbx {
  for (const c of pbx.campaigns) {
    const own = pbx.tasks.filter((t) => t.campaignId === c.campaign_id);
    c.tasks_count = own.length;
    c.finished_tasks_count = own.filter((t) => t.status === 4).length;
  }
  return pbx;
}

export function seedDemoPbx(eventsBaseUrl: string = DEFAULT_EVENTS_BASE_URL): Pbx {
  const emps = demoEmployees();
  const uid = (ext: string) => emps.find((e) => e.extension === ext)?.userId ?? 0;
  return finishCampaignCounts({
    id: DEMO_PBX_ID,
    productId: DEMO_PRODUCT_ID,
    apiKey: DEMO_VPBX_API_KEY,
    salt: DEMO_VPBX_API_SALT,
    eventsBaseUrl,
    ccEnabled: true,
    employees: emps,
    groups: groups(
      300100001,
      10060001,
      10060002,
      [
        [uid("101"), uid("102"), uid("104")],
        [uid("103"), uid("104")],
      ],
      ["Отдел продаж", "Поддержка"],
    ),
    lines: demoLines(),
    smsSenders: ["AMANGO", "Amango-Demo"],
    campaigns: demoCampaigns(),
    tasks: demoTasks(),
    tags: demoTags(),
    ccCalls: [],
    history: [],
    recordings: [],
    autoCallbackTasks: [],
    statsRequests: [],
  });
}

export function seedOtherPbx(eventsBaseUrl: string = DEFAULT_OTHER_EVENTS_BASE_URL): Pbx {
  const d = `vpbx${OTHER_PRODUCT_ID}.mangosip.ru`;
  const p = OTHER_PRODUCT_ID;
  const emps = [
    employee(
      p,
      d,
      "101",
      "Николаев Олег Андреевич",
      "nikolaev",
      "nikolaev@other-co.ru",
      "+79262220101",
      [10080001],
      "Оператор",
      "Колл-центр",
    ),
    employee(
      p,
      d,
      "102",
      "Фёдорова Ирина Павловна",
      "fedorova",
      "fedorova@other-co.ru",
      "+79262220102",
      [10080001],
      "Оператор",
      "Колл-центр",
    ),
  ];
  for (const e of emps) e.outgoingLine = "74991112233";
  return {
    id: OTHER_PBX_ID,
    productId: OTHER_PRODUCT_ID,
    apiKey: OTHER_VPBX_API_KEY,
    salt: OTHER_VPBX_API_SALT,
    eventsBaseUrl,
    ccEnabled: false,
    employees: emps,
    groups: groups(
      300200001,
      10080001,
      10080002,
      [[p * 10 + 101, p * 10 + 102], []],
      ["Колл-центр", "Резерв"],
    ),
    lines: [
      {
        lineId: 300200001,
        number: "74991112233",
        name: null,
        comment: null,
        region: "77",
        schemaId: 10000008,
        schemaName: "По умолчанию",
      },
    ],
    smsSenders: [],
    campaigns: [],
    tasks: [],
    tags: [],
    ccCalls: [],
    history: [],
    recordings: [],
    autoCallbackTasks: [],
    statsRequests: [],
  };
}
