import type { Db } from "@/db/client";
import { MangoNotConnectedError, mangoClientFor } from "@/server/connections/mango";
import { logger } from "@/server/log/logger";
import type { MangoCampaignStatus } from "@/server/mango/domain";
import { getEffectiveSettings } from "@/server/settings/queries";

/**
 * What «Добавить автозвонок в кампанию обзвона» offers in the rule editor: whether the action is available
 * (both Contact Center settings on — otherwise the Russian reason naming what to turn on) and the tenant's
 * outbound campaigns read live from MANGO (`campaign/list`, not cached: a campaign is started, stopped and
 * completed in MANGO's LK). A completed campaign is listed, but cannot be picked (MANGO takes no tasks into
 * it and it cannot be restarted). When MANGO does not answer, the editor still opens and says why.
 */

export const CAMPAIGN_STATUS_RU: Record<MangoCampaignStatus, string> = {
  stopped: "Остановлена",
  scheduled: "Запланирована",
  running: "Активна",
  stopping: "Останавливается",
  completed: "Завершена",
  processing: "Обрабатывается",
  deleting: "Удаляется",
  unknown: "Статус неизвестен",
};

const CC = "«Интеграция с Контакт-центром»";
const DP_TASKS = "«Добавить возможность добавления заданий автозвонков в digital-воронке»";

export const CAMPAIGN_NOT_PICKABLE: Partial<Record<MangoCampaignStatus, string>> = {
  completed: "Кампания завершена: MANGO OFFICE не принимает в неё задания, и перезапустить её нельзя",
  deleting: "Кампания удаляется в MANGO OFFICE: задания в неё не добавляются",
};

/** Which setting keeps the action off (the editor words it in the UI's language); null when it may be used. */
export function campaignUnavailable(cc: {
  enabled: boolean;
  dpTasks: { enabled: boolean };
}): "contactCenter" | "dpTasks" | null {
  if (!cc.enabled) return "contactCenter";
  if (!cc.dpTasks.enabled) return "dpTasks";
  return null;
}

/** Null when the action may be used; else which settings to turn on, in Russian. */
export function campaignUnavailableReason(cc: { enabled: boolean; dpTasks: { enabled: boolean } }) {
  if (!cc.enabled)
    return `Действие выключено в настройках: включите ${CC} и ${DP_TASKS} (Настройки → «Дополнительно»).`;
  if (!cc.dpTasks.enabled)
    return `Действие выключено в настройках: включите ${DP_TASKS} (Настройки → «Дополнительно»).`;
  return null;
}

export async function campaignOptions(db: Db, { tenantId }: { tenantId: string }) {
  const settings = await getEffectiveSettings(db, { tenantId });
  const unavailable = campaignUnavailable(settings.extra.contactCenter);
  const unavailableReason = campaignUnavailableReason(settings.extra.contactCenter);
  if (unavailable)
    return {
      available: false,
      unavailable,
      unavailableReason,
      campaigns: [],
      campaignsProblem: null,
      campaignsProblemKind: null,
    };
  try {
    const client = await mangoClientFor(db, { tenantId });
    const campaigns = await client.listCampaigns();
    return {
      available: true,
      unavailable: null,
      unavailableReason: null,
      campaigns: campaigns
        .map((c) => {
          const reason = CAMPAIGN_NOT_PICKABLE[c.status] ?? null;
          return {
            id: c.id,
            name: c.name || `Кампания #${c.id}`,
            status: c.status,
            statusLabel: CAMPAIGN_STATUS_RU[c.status],
            endless: c.endless === true,
            pickable: reason === null,
            notPickableReason: reason,
          };
        })
        // Pickable first, then by name (MANGO lists them in creation order).
        .sort((a, b) => Number(b.pickable) - Number(a.pickable) || a.name.localeCompare(b.name, "ru")),
      campaignsProblem: null,
      campaignsProblemKind: null,
    };
  } catch (err) {
    if (err instanceof MangoNotConnectedError)
      return {
        available: true,
        unavailable: null,
        unavailableReason: null,
        campaigns: [],
        campaignsProblemKind: "notConnected" as const,
        campaignsProblem:
          "АТС MANGO OFFICE не подключена: кампании появятся после подключения на странице «Обзор».",
      };
    logger.warn({ tenantId, err: (err as Error).message }, "rules: MANGO campaigns unavailable");
    return {
      available: true,
      unavailable: null,
      unavailableReason: null,
      campaigns: [],
      campaignsProblemKind: "noAnswer" as const,
      campaignsProblem:
        "MANGO OFFICE не ответила: список кампаний сейчас недоступен. Сохранённая кампания останется в правиле; попробуйте открыть правило позже.",
    };
  }
}
