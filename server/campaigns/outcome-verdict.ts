// What MANGO's view of one campaign task means (outcome.ts asks, outcome-apply.ts acts): pure, no I/O.
import type { CampaignTaskOutcome, CampaignTaskRow } from "@/db/schema";
import type { MangoCampaign, MangoCampaignTask } from "@/server/mango/domain";

/** Seconds until the next question about an open task, by the number of questions so far. */
export const POLL_STEPS_S = [60, 120, 300, 600, 1800, 3600] as const;
export const nextPollDelayS = (polls: number) => POLL_STEPS_S[Math.min(polls, POLL_STEPS_S.length - 1)]!;

/** MANGO's task `status_reason` (reference §1.6; 25 = `due_date` expired). */
const TASK_REASON_TEXT: Record<number, string> = {
  1: "разговор состоялся",
  2: "абонент занят",
  3: "абонент не взял трубку",
  4: "абонент недоступен",
  5: "оператор занят",
  6: "оператор не взял трубку",
  7: "оператор недоступен",
  8: "номер не существует",
  10: "оператор не дождался ответа клиента",
  11: "задание остановлено администратором",
  20: "задание остановлено оператором",
  21: "абонент недоступен (антиробот)",
  22: "абонент занят (антиробот)",
  23: "ответила голосовая почта (антиробот)",
  24: "клиент положил трубку при проверке (антиробот)",
  25: "истёк срок задания",
  26: "номер в списке запрещённых",
};

export const mangoReasonText = (code: number | null) =>
  code === null ? "MANGO не сообщил причину" : (TASK_REASON_TEXT[code] ?? `причина с кодом ${code}`);

/** What makes an amoCRM task ours and this campaign task's (amoCRM keeps no id of ours on a task). */
export const campaignTaskMarker = (rowId: string) => `[Amango ${rowId}]`;

export const label = (row: Pick<CampaignTaskRow, "campaignId" | "campaignName">, c?: MangoCampaign) =>
  `«${c?.name ?? row.campaignName ?? `кампания #${row.campaignId}`}»`;

export const notReachedTaskText = (
  row: Pick<CampaignTaskRow, "id" | "campaignId" | "campaignName" | "mangoStatusReason">,
) =>
  `Оператор не дозвонился клиенту по кампании ${label(row)}: ${mangoReasonText(row.mangoStatusReason)}. ` +
  `Свяжитесь с клиентом ${campaignTaskMarker(row.id)}`;

/**
 * An open task is asked about for this long after it was added, then given up: a task an administrator
 * stopped in MANGO (status 0), or a campaign that never dials it, would otherwise be asked hourly for ever.
 */
export const MAX_OPEN_DAYS = 30;

export type Final = { outcome: CampaignTaskOutcome; statusReason: number | null; reason: string };

/** What MANGO's view of one task means for us; null = still open, ask again later. */
export function finalOf(
  row: Pick<CampaignTaskRow, "campaignId" | "campaignName" | "mangoTaskId" | "addedAt">,
  campaign: MangoCampaign | undefined,
  task: MangoCampaignTask | "gone" | undefined,
  now: Date = new Date(),
): Final | null {
  if (!campaign)
    return {
      outcome: "stopped",
      statusReason: null,
      reason: `Кампании ${label(row)} больше нет в MANGO OFFICE — итог задания не узнать`,
    };
  if (task === "gone")
    return {
      outcome: "stopped",
      statusReason: null,
      reason: `MANGO OFFICE больше не знает задание #${row.mangoTaskId} в кампании ${label(row, campaign)} (код 3300) — итог не узнать`,
    };
  if (task?.status === "finished") {
    const reached = task.statusReason === 1;
    return {
      outcome: reached ? "reached" : "not_reached",
      statusReason: task.statusReason,
      reason: reached
        ? `Клиент ответил оператору кампании ${label(row, campaign)}`
        : `Оператор не дозвонился клиенту по кампании ${label(row, campaign)}: ${mangoReasonText(task.statusReason)}`,
    };
  }
  if (task?.status === "deleted")
    return {
      outcome: "stopped",
      statusReason: task.statusReason,
      reason: `Задание удалено в кампании ${label(row, campaign)} — итог не узнать`,
    };
  // A task the campaign never dialled stays unfinished forever once the campaign is over.
  if (campaign.status === "completed")
    return {
      outcome: "stopped",
      statusReason: task?.statusReason ?? null,
      reason: `Кампания ${label(row, campaign)} завершена, задание не выполнено — итог не узнать`,
    };
  if (campaign.status === "deleting")
    return {
      outcome: "stopped",
      statusReason: task?.statusReason ?? null,
      reason: `Кампания ${label(row, campaign)} удаляется — итог задания не узнать`,
    };
  if (row.addedAt && now.getTime() - row.addedAt.getTime() > MAX_OPEN_DAYS * 86_400_000)
    return {
      outcome: "stopped",
      statusReason: task?.statusReason ?? null,
      reason: `Задание в кампании ${label(row, campaign)} не завершилось за ${MAX_OPEN_DAYS} дней — итог больше не проверяется`,
    };
  return null;
}
