import { demoCampaigns, demoTags, demoTasks, finishCampaignCounts } from "./seed-cc";
import {
  DEFAULT_EVENTS_BASE_URL,
  DEFAULT_OTHER_EVENTS_BASE_URL,
  DEMO_LINE_MAIN,
  DEMO_LINE_TOLL_FREE,
  DEMO_PBX_ID,
  DEMO_PRODUCT_ID,
  DEMO_VPBX_API_KEY,
  DEMO_VPBX_API_SALT,
  OTHER_PBX_ID,
  OTHER_PRODUCT_ID,
  OTHER_VPBX_API_KEY,
  OTHER_VPBX_API_SALT,
} from "./seed-constants";
import type { Employee, Group, Line, Pbx } from "./types";

export * from "./seed-constants";

/**
 * Deterministic seed: the demo account (employees 101–105: the amoCRM emulator's users of the `demo` account,
 * same names and e-mails, as one company's staff are in both systems; mobiles, groups 201/202,
 * three lines, SMS sender names, КЦ campaigns) and a second account with its own key/salt for isolation tests.
 */
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
      "Алексей Смирнов",
      "smirnov",
      "smirnov@demo.example",
      "+79161110101",
      [10060001],
      "Менеджер по продажам",
      "Отдел продаж",
    ),
    employee(
      p,
      d,
      "102",
      "Ольга Кузнецова",
      "kuznetsova",
      "kuznetsova@demo.example",
      "+79161110102",
      [10060001],
      "Старший менеджер",
      "Отдел продаж",
    ),
    employee(
      p,
      d,
      "103",
      "Дмитрий Соколов",
      "sokolov",
      "sokolov@demo.example",
      "+79161110103",
      [10060002],
      "Специалист поддержки",
      "Поддержка",
    ),
    employee(
      p,
      d,
      "104",
      "Анна Администратова",
      "administratova",
      "admin@demo.example",
      "+79161110104",
      [10060002, 10060001],
      "Директор",
      "Администрация",
    ),
    employee(
      p,
      d,
      "105",
      "Мария Иванова",
      "ivanova",
      "ivanova@demo.example",
      "+79161110105",
      [],
      "Руководитель поддержки",
      "Поддержка",
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
      "Олег Николаев",
      "nikolaev",
      "nikolaev@other.example",
      "+79262220101",
      [10080001],
      "Оператор",
      "Колл-центр",
    ),
    employee(
      p,
      d,
      "102",
      "Ирина Фёдорова",
      "fedorova",
      "fedorova@other.example",
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
