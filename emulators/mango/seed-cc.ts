import {
  CAMPAIGN_ACTIVE_ENDLESS,
  CAMPAIGN_ACTIVE_FINITE,
  CAMPAIGN_COMPLETED,
  CAMPAIGN_PAUSED,
  DEMO_PRODUCT_ID,
  SEED_EPOCH_SECONDS,
} from "./seed-constants";
import type { Campaign, CampaignTask, CcTag, Pbx } from "./types";

/** Seeded Contact Center data of the demo account: campaigns in every interesting status, tasks, topics. */

function campaign(id: number, name: string, status: number, over: Partial<Campaign>): Campaign {
  const s = SEED_EPOCH_SECONDS;
  return {
    campaign_id: id,
    line_id: 300100001,
    created_by: { user_id: DEMO_PRODUCT_ID * 10 + 105, name: "Мария Иванова", extension: "105" },
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

export function demoCampaigns(): Campaign[] {
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

export function demoTasks(): CampaignTask[] {
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

export function demoTags(): CcTag[] {
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

export function finishCampaignCounts(pbx: Pbx): Pbx {
  for (const c of pbx.campaigns) {
    const own = pbx.tasks.filter((t) => t.campaignId === c.campaign_id);
    c.tasks_count = own.length;
    c.finished_tasks_count = own.filter((t) => t.status === 4).length;
  }
  return pbx;
}
