// The two seeded accounts: `demo` (full data set) and `other` (isolation tests).
import { contact, emailCf, field, lead, noteSeed, phoneCf, pipeline, task, user } from "./seed-builders";
import {
  DEMO_ACCOUNT_ID,
  DEMO_SUBDOMAIN,
  EMAIL_ENUMS,
  FIELD,
  OTHER_ACCOUNT_ID,
  OTHER_SUBDOMAIN,
  OTHER_USERS,
  PHONE_ENUMS,
  PIPELINE_MAIN,
  PIPELINE_REPEAT,
  STATUS,
  USERS,
} from "./seed-ids";
import type { Account } from "./state";

export function demoAccount(): Account {
  const contacts = [
    contact(
      3,
      "Иван",
      "Иванов",
      [phoneCf("+79161234567"), emailCf("ivanov@example.ru")],
      USERS.manager,
      [145471],
    ),
    contact(11070881, "Анна", "Петрова", [phoneCf("+79031112233", "MOB")], USERS.manager),
    contact(
      11070883,
      "Сергей",
      "Кузнецов",
      [phoneCf("+74951234567"), phoneCf("+79265554433", "MOB")],
      USERS.sales,
    ),
    contact(
      11070885,
      "Ольга",
      "Смирнова",
      [phoneCf("+79857776655", "MOB"), emailCf("olga@example.ru")],
      USERS.sales,
    ),
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
    events: [],
    next_id: 40000001,
  };
}

/** A second, smaller account: used to prove that tokens, rate limits and data do not leak between accounts. */
export function otherAccount(): Account {
  const acc = demoAccount();
  acc.id = OTHER_ACCOUNT_ID;
  acc.subdomain = OTHER_SUBDOMAIN;
  acc.name = "Другая компания";
  acc.uuid = "5a1b7c3e-0d2f-4e6a-8b9c-1d2e3f4a5b6c";
  acc.amojo_id = "0e4f2a6b-3c5d-4e7f-8a9b-0c1d2e3f4a5b";
  // Its admin is the demo account's admin (one amoCRM user in two accounts); the rest of its staff are its
  // own, named as in the MANGO emulator's `other` PBX.
  acc.users = [
    user(USERS.admin, "Анна Администратова", "admin@demo.example", true, 0),
    user(OTHER_USERS.nikolaev, "Олег Николаев", "nikolaev@other.example", false, 0),
    user(OTHER_USERS.fedorova, "Ирина Фёдорова", "fedorova@other.example", false, 0),
  ];
  acc.contacts = [
    contact(21000001, "Пётр", "Сидоров", [phoneCf("+79990001122", "MOB")], OTHER_USERS.nikolaev),
  ];
  const deal = lead(
    21000101,
    "Сделка другого аккаунта",
    1000,
    PIPELINE_MAIN,
    STATUS.mainFirstContact,
    [21000001],
  );
  deal.responsible_user_id = OTHER_USERS.nikolaev;
  acc.leads = [deal];
  acc.notes = [];
  acc.tasks = [];
  acc.next_id = 50000001;
  return acc;
}
