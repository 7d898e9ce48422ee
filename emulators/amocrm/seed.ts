// Deterministic seed. Ids are borrowed from the official doc examples in /work/shared/reference/samples/amocrm
// wherever the examples agree, so that the documented request bodies are accepted as they are.
import type {
  Account,
  Contact,
  CustomField,
  EntityType,
  Integration,
  Lead,
  Pipeline,
  State,
  StoredCf,
  Task,
  User,
} from "./state";

export const DEMO_CLIENT_ID = "5f3c1e2a-7b4d-4c8e-9a1f-2d3b4c5d6e7f";
export const DEMO_CLIENT_SECRET = "demo-secret-2Xq9LmT4vR8sK1pW6yZ3nB7cH0jF5gD2";
export const DEMO_REDIRECT_URI = "http://localhost:3000/api/auth/callback/amocrm";
export const DEMO_DISCONNECT_URL = "http://localhost:3000/api/amocrm/disconnect";
export const DEMO_SUBDOMAIN = "demo";
export const OTHER_SUBDOMAIN = "other";
export const DEMO_ACCOUNT_ID = 28805383;
export const OTHER_ACCOUNT_ID = 30441694;

/** Seed timestamp (2025-11-24T15:20:00Z); entity dates are offsets from it so the seed never changes. */
export const SEED_TIME = 1764000000;

export const USERS = {
  admin: 504141,
  manager: 8238874,
  analyst: 32321,
  sales: 2004184,
  support: 47272,
} as const;

export const PIPELINE_MAIN = 3383152;
export const PIPELINE_REPEAT = 47521;
export const STATUS = {
  mainUnsorted: 33929749,
  mainFirstContact: 33929752,
  mainNegotiation: 33929755,
  mainDecision: 33929758,
  repeatUnsorted: 525740,
  repeatNew: 525743,
  repeatInvoice: 525746,
  won: 142,
  lost: 143,
} as const;

export const FIELD = {
  phone: 66192,
  email: 66186,
  position: 271316,
  leadComment: 294471,
  leadSourceText: 1286573,
  leadInterests: 1286575,
  leadUnsortedNote: 284785,
} as const;

export const PHONE_ENUMS: Record<string, number> = {
  WORK: 193226,
  WORKDD: 193228,
  MOB: 193230,
  FAX: 193232,
  HOME: 193234,
  OTHER: 193236,
};
export const EMAIL_ENUMS: Record<string, number> = { WORK: 193200, PRIV: 193202, OTHER: 193204 };

function user(id: number, name: string, email: string, isAdmin: boolean, groupId: number): User {
  return { id, name, email, lang: "ru", is_admin: isAdmin, is_active: true, group_id: groupId, role_id: null };
}

function pipeline(id: number, name: string, sort: number, isMain: boolean, stages: Array<[number, string]>) {
  const colors = ["#c1c1c1", "#99ccff", "#ffcc66", "#ffff99", "#deff81"];
  const statuses: Pipeline["statuses"] = stages.map(([sid, sname], i) => ({
    id: sid,
    name: sname,
    sort: (i + 1) * 10,
    is_editable: i !== 0,
    color: colors[i % colors.length] ?? "#99ccff",
    type: i === 0 ? 1 : 0,
  }));
  // 142/143 exist in every pipeline with the same ids (reference §6.3).
  statuses.push({ id: 142, name: "Успешно реализовано", sort: 10000, is_editable: false, color: "#CCFF66", type: 0 });
  statuses.push({
    id: 143,
    name: "Закрыто и не реализовано",
    sort: 11000,
    is_editable: false,
    color: "#D5D8DB",
    type: 0,
  });
  return { id, name, sort, is_main: isMain, is_unsorted_on: true, is_archive: false, statuses };
}

function field(
  entity: EntityType,
  id: number,
  name: string,
  type: string,
  code: string | null,
  sort: number,
  enums: Record<string, number> | null = null,
): CustomField {
  return {
    id,
    name,
    type,
    code,
    sort,
    is_api_only: false,
    enums: enums ? Object.entries(enums).map(([value, eid], i) => ({ id: eid, value, sort: (i + 1) * 2 })) : null,
    group_id: null,
    required_statuses: [],
    is_deletable: code === null,
    is_predefined: code !== null,
    entity_type: entity,
    settings: null,
    remind: null,
  };
}

const phoneCf = (phone: string, enumCode = "WORK"): StoredCf => ({
  field_id: FIELD.phone,
  values: [{ value: phone, enum_id: PHONE_ENUMS[enumCode], enum_code: enumCode }],
});
const emailCf = (email: string): StoredCf => ({
  field_id: FIELD.email,
  values: [{ value: email, enum_id: EMAIL_ENUMS.WORK, enum_code: "WORK" }],
});

function contact(id: number, first: string, last: string, cfs: StoredCf[], resp: number, tags: number[] = []) {
  const c: Contact = {
    id,
    name: `${first} ${last}`.trim(),
    first_name: first,
    last_name: last,
    responsible_user_id: resp,
    group_id: 0,
    created_by: resp,
    updated_by: resp,
    created_at: SEED_TIME - 86400 * 30 + id % 1000,
    updated_at: SEED_TIME - 86400,
    closest_task_at: null,
    is_deleted: false,
    custom_fields_values: cfs,
    tag_ids: tags,
    company_ids: [],
  };
  return c;
}

function lead(id: number, name: string, price: number, pipelineId: number, statusId: number, contactIds: number[]) {
  const closed = statusId === 142 || statusId === 143;
  const l: Lead = {
    id,
    name,
    price,
    responsible_user_id: USERS.manager,
    group_id: 0,
    status_id: statusId,
    pipeline_id: pipelineId,
    loss_reason_id: null,
    source_id: null,
    created_by: USERS.admin,
    updated_by: USERS.admin,
    created_at: SEED_TIME - 86400 * 20,
    updated_at: SEED_TIME - 3600,
    closed_at: closed ? SEED_TIME - 7200 : null,
    closest_task_at: null,
    is_deleted: false,
    score: null,
    custom_fields_values: [],
    tag_ids: [],
    contacts: contactIds.map((cid, i) => ({ id: cid, is_main: i === 0 })),
    company_ids: [],
  };
  return l;
}

function task(id: number, entityId: number, typeId: number, text: string, done: boolean): Task {
  return {
    id,
    created_by: USERS.admin,
    updated_by: USERS.admin,
    created_at: SEED_TIME - 86400 * 3,
    updated_at: SEED_TIME - 86400 * 2,
    responsible_user_id: USERS.manager,
    group_id: 0,
    entity_id: entityId,
    entity_type: "leads",
    duration: 0,
    is_completed: done,
    task_type_id: typeId,
    text,
    result: null,
    complete_till: SEED_TIME + 86400,
  };
}

function demoAccount(): Account {
  const contacts = [
    contact(3, "Иван", "Иванов", [phoneCf("+79161234567"), emailCf("ivanov@example.ru")], USERS.manager, [145471]),
    contact(11070881, "Анна", "Петрова", [phoneCf("+79031112233", "MOB")], USERS.manager),
    contact(11070883, "Сергей", "Кузнецов", [phoneCf("+74951234567"), phoneCf("+79265554433", "MOB")], USERS.sales),
    contact(11070885, "Ольга", "Смирнова", [phoneCf("+79857776655", "MOB"), emailCf("olga@example.ru")], USERS.sales),
    contact(11070887, "Дмитрий", "Васильев", [phoneCf("+78122223344")], USERS.manager),
  ];
  // Sergey has two phones in one field entry in real amoCRM: merge them into one multitext value list.
  const sergey = contacts[2]!;
  sergey.custom_fields_values = [
    { field_id: FIELD.phone, values: sergey.custom_fields_values.flatMap((cf) => cf.values) },
  ];
  const leads = [
    lead(167353, "Поставка оборудования — Иванов", 150000, PIPELINE_MAIN, STATUS.mainNegotiation, [3]),
    lead(9785993, "Консультация Петровой", 12000, PIPELINE_MAIN, STATUS.mainFirstContact, [11070881]),
    lead(54886, "Повторный заказ Кузнецова", 48000, PIPELINE_REPEAT, STATUS.repeatNew, [11070883]),
    lead(54884, "Сервисный договор Смирновой", 30000, PIPELINE_REPEAT, STATUS.repeatInvoice, [11070885]),
    lead(19619, "Внедрение CRM — Кузнецов", 46333, PIPELINE_MAIN, STATUS.won, [11070883]),
    lead(14460, "Обучение персонала", 655, PIPELINE_MAIN, STATUS.lost, [11070887]),
  ];
  leads[0]!.tag_ids = [217261];
  leads[2]!.tag_ids = [2719];
  leads[5]!.loss_reason_id = 7323;
  return {
    id: DEMO_ACCOUNT_ID,
    subdomain: DEMO_SUBDOMAIN,
    name: "Демо-компания",
    uuid: "824f3a59-6154-4edf-ba90-0b5593715d07",
    amojo_id: "f3c6340d-410e-4ad1-9f7e-c5e663599909",
    paid: true,
    current_user_id: USERS.admin,
    groups: [
      { id: 0, name: "Отдел продаж", uuid: null },
      { id: 267688, name: "Менеджеры", uuid: null },
    ],
    users: [
      user(USERS.admin, "Анна Администратова", "admin@demo.example", true, 0),
      user(USERS.manager, "Алексей Смирнов", "smirnov@demo.example", false, 267688),
      user(USERS.analyst, "Ольга Кузнецова", "kuznetsova@demo.example", false, 267688),
      user(USERS.sales, "Дмитрий Соколов", "sokolov@demo.example", false, 0),
      user(USERS.support, "Мария Иванова", "ivanova@demo.example", false, 0),
    ],
    pipelines: [
      pipeline(PIPELINE_MAIN, "Основная воронка", 1, true, [
        [STATUS.mainUnsorted, "Неразобранное"],
        [STATUS.mainFirstContact, "Первичный контакт"],
        [STATUS.mainNegotiation, "Переговоры"],
        [STATUS.mainDecision, "Принимают решение"],
      ]),
      pipeline(PIPELINE_REPEAT, "Повторные продажи", 2, false, [
        [STATUS.repeatUnsorted, "Неразобранное"],
        [STATUS.repeatNew, "Новая заявка"],
        [STATUS.repeatInvoice, "Счёт выставлен"],
      ]),
    ],
    loss_reasons: [{ id: 7323, name: "Дорого" }],
    custom_fields: [
      field("contacts", FIELD.phone, "Телефон", "multitext", "PHONE", 4, PHONE_ENUMS),
      field("contacts", FIELD.email, "Email", "multitext", "EMAIL", 6, EMAIL_ENUMS),
      field("contacts", FIELD.position, "Должность", "text", "POSITION", 2),
      field("leads", FIELD.leadComment, "Комментарий", "text", null, 504),
      field("leads", FIELD.leadSourceText, "Источник", "text", null, 505),
      field("leads", FIELD.leadInterests, "Интересы", "multiselect", null, 506, {
        Оборудование: 2957741,
        Сервис: 2957743,
      }),
      field("leads", FIELD.leadUnsortedNote, "Примечание звонка", "text", null, 507),
    ],
    tags: {
      leads: [
        { id: 217261, name: "Горячий", color: null },
        { id: 2719, name: "Повторный", color: null },
        { id: 2707, name: "Заявка с сайта", color: "EBEBEB" },
        { id: 2709, name: "Техническая поддержка", color: null },
      ],
      contacts: [{ id: 145471, name: "VIP", color: null }],
      companies: [],
      customers: [],
    },
    leads,
    contacts,
    companies: [],
    notes: [
      noteSeed(76610421, 167353, "sms_in", { text: "Здравствуйте, жду счёт", phone: "+79161234567" }),
      noteSeed(76610423, 167353, "sms_out", { text: "Счёт отправлен", phone: "+79161234567" }),
    ],
    tasks: [
      task(7087, 167353, 2, "Пригласить на встречу", true),
      task(215089, 54886, 2, "Назначить встречу с клиентом", true),
      task(4747929, 9785993, 1, "Перезвонить клиенту", false),
    ],
    calls: [],
    unsorted: [],
    webhooks: [],
    widgets: [
      {
        id: 972,
        code: "amo_asterisk",
        version: "1.1.6",
        settings_template: [
          { key: "login", name: "Логин", type: "text", is_required: true },
          { key: "password", name: "Пароль", type: "pass", is_required: true },
          { key: "phones", name: "Список телефонов", type: "users", is_required: true },
          { key: "script_path", name: "Путь к скрипту", type: "text", is_required: true },
        ],
        client_uuid: null,
        is_active_in_account: false,
        settings: {},
      },
    ],
    dp_actions: [],
    next_id: 40000001,
  };
}

function noteSeed(id: number, leadId: number, type: string, params: Record<string, unknown>) {
  return {
    id,
    entity_type: "leads" as const,
    entity_id: leadId,
    created_by: USERS.manager,
    updated_by: USERS.manager,
    created_at: SEED_TIME - 5000,
    updated_at: SEED_TIME - 5000,
    responsible_user_id: USERS.manager,
    group_id: 0,
    note_type: type,
    params,
  };
}

/** A second, smaller account: used to prove that tokens, rate limits and data do not leak between accounts. */
function otherAccount(): Account {
  const acc = demoAccount();
  acc.id = OTHER_ACCOUNT_ID;
  acc.subdomain = OTHER_SUBDOMAIN;
  acc.name = "Другая компания";
  acc.uuid = "5a1b7c3e-0d2f-4e6a-8b9c-1d2e3f4a5b6c";
  acc.amojo_id = "0e4f2a6b-3c5d-4e7f-8a9b-0c1d2e3f4a5b";
  acc.contacts = [contact(21000001, "Пётр", "Сидоров", [phoneCf("+79990001122", "MOB")], USERS.admin)];
  acc.leads = [lead(21000101, "Сделка другого аккаунта", 1000, PIPELINE_MAIN, STATUS.mainFirstContact, [21000001])];
  acc.notes = [];
  acc.tasks = [];
  acc.next_id = 50000001;
  return acc;
}

export function demoIntegration(): Integration {
  return {
    client_id: DEMO_CLIENT_ID,
    client_secret: DEMO_CLIENT_SECRET,
    name: "Amango (demo)",
    redirect_uris: [DEMO_REDIRECT_URI],
    disconnect_url: DEMO_DISCONNECT_URL,
    installed_in: [],
  };
}

export function seedState(): State {
  return {
    accounts: { [DEMO_SUBDOMAIN]: demoAccount(), [OTHER_SUBDOMAIN]: otherAccount() },
    integrations: { [DEMO_CLIENT_ID]: demoIntegration() },
    codes: [],
    access_tokens: [],
    refresh_tokens: [],
  };
}
