// The pure decisions of logging a call to amoCRM: what is skipped and why, whose call it is, what a new or
// a repeat client gets, how amoCRM should read its status. No I/O here, so every rule is unit-tested.
import type { CallRow } from "@/db/schema";
import { type EffectiveSettings, isLineProcessed } from "@/lib/domain/settings/effective";
import type { StageRef } from "@/lib/domain/settings/schema";
import { CALL_STATUS, type CallStatus } from "@/server/amocrm/requests";
import type { AmoContact } from "@/server/amocrm/transform";

export type LoggableCall = Pick<
  CallRow,
  | "direction"
  | "stage"
  | "clientPhone"
  | "lineNumber"
  | "answeredExtension"
  | "callerExtension"
  | "rangExtensions"
  | "talkSeconds"
  | "disconnectReason"
  | "startedAt"
  | "endedAt"
> &
  Partial<Pick<CallRow, "talkedExtensions" | "directionNote">>;

export const isAnswered = (call: Pick<LoggableCall, "answeredExtension" | "talkSeconds">) =>
  call.answeredExtension !== null || call.talkSeconds > 0;

/** Why a call is not written to amoCRM at all (journal text, Russian), or null when it is logged. */
export function skipReason(call: LoggableCall, settings: EffectiveSettings): string | null {
  if (call.stage !== "finished") return "звонок ещё не завершён";
  // MANGO's own integration never logs internal calls (mango-cc-and-widget.md §2.2).
  if (call.direction === "internal") return "внутренний звонок не записывается в amoCRM";
  if (call.direction === "unknown")
    return isAnswered(call)
      ? "направление звонка не определено: ни события, ни итоги MANGO не показали внешнего номера — разговор не записан"
      : "направление звонка не определено";
  if (!isLineProcessed(settings, call.lineNumber))
    return `линия ${call.lineNumber ?? "(не указана)"} не обрабатывается (настройка «Ограничения»)`;
  if (!call.clientPhone) return "номер клиента скрыт или не распознан";
  return null;
}

/**
 * The extensions whose amoCRM user owns the call, best first: who finished the conversation (incoming) or
 * called (outgoing), then the others who talked;
 * for a missed incoming call, the extensions that rang, in the order they rang; for an unanswered
 * outgoing call, the employee who dialled (`caller_extension`).
 */
export function employeeExtensions(call: LoggableCall): string[] {
  // A transfer is the last talker's call; the others who talked follow, latest first, should they be unmapped.
  const talked = [...((call.talkedExtensions as string[] | undefined) ?? [])].reverse();
  if (call.answeredExtension) return [...new Set([call.answeredExtension, ...talked])];
  if (call.direction === "incoming") return (call.rangExtensions as string[]) ?? [];
  if (call.direction === "outgoing" && call.callerExtension) return [call.callerExtension];
  return [];
}

/**
 * A call made within a Contact Center outbound campaign ("ИО"): its events carry the campaign task
 * (`task_id` = the client) and `callback_initiator: "ObDial"`. A КЦ auto-callback task ("CC") also carries
 * a `task_id`, but it is no campaign task (no campaign to look up), so it is logged as an ordinary call.
 * Where MANGO omits the initiator, a task id alone counts as a campaign call: the safer reading, since
 * «Интеграция с Контакт-центром» off must then write nothing.
 */
export function campaignTaskOf(call: Pick<CallRow, "ccTaskId" | "callbackInitiator">): number | null {
  if (call.ccTaskId === null) return null;
  return call.callbackInitiator === "CC" ? null : call.ccTaskId;
}

export const CC_OFF_REASON =
  "звонок кампании исходящего обзвона Контакт-центра, а «Интеграция с Контакт-центром» выключена";

export type Responsible = { userId: number; via: "mapping" | "save_all_calls"; extension: string | null };

/** The mapped amoCRM user of the first extension that has one; else «Сохранять все звонки»; else a reason. */
export function chooseResponsible(
  extensions: string[],
  userOfExtension: ReadonlyMap<string, number>,
  settings: EffectiveSettings,
): Responsible | { skip: string } {
  for (const extension of extensions) {
    const userId = userOfExtension.get(extension);
    if (userId !== undefined) return { userId, via: "mapping", extension };
  }
  const fallback = settings.calls.saveAllCalls.userId;
  if (settings.calls.saveAllCalls.enabled && fallback !== null)
    return { userId: fallback, via: "save_all_calls", extension: extensions[0] ?? null };
  const who = extensions.length > 0 ? `сотрудник ${extensions.join(", ")}` : "сотрудник звонка";
  return {
    skip: `${who} не сопоставлен с пользователем amoCRM, а «Сохранять все звонки» выключено`,
  };
}

/**
 * Among contacts sharing the number the first-created wins, as in MANGO's integration
 * (mango-cc-and-widget.md §2.3); equal or unknown creation times fall back to the smaller id.
 */
export function earliestContact<C extends Pick<AmoContact, "id" | "createdAt">>(contacts: C[]): C | null {
  let best: C | null = null;
  for (const c of contacts) {
    if (!best) best = c;
    else {
      const a = c.createdAt ?? Number.POSITIVE_INFINITY;
      const b = best.createdAt ?? Number.POSITIVE_INFINITY;
      if (a < b || (a === b && c.id < best.id)) best = c;
    }
  }
  return best;
}

/** "Новый клиент 14:05 28.11.2026": the call's start on the account's clock, whatever the server's zone. */
export function newClientName(at: Date, timeZone: string): string {
  const clock = new Intl.DateTimeFormat("ru-RU", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    hourCycle: "h23",
  });
  const p = Object.fromEntries(clock.formatToParts(at).map((x) => [x.type, x.value]));
  return `Новый клиент ${p.hour}:${p.minute} ${p.day}.${p.month}.${p.year}`;
}

export type ClientPlan =
  | { kind: "nothing"; reason: string }
  | { kind: "contact" }
  | { kind: "contact_and_deal"; stage: StageRef }
  | { kind: "existing"; deal: { stage: StageRef } | null };

/**
 * What the call does to the client in amoCRM. A new number follows «Действие для нового клиента»
 * (outgoing, campaign calls included: «Создавать контакт/сделку при звонке на новый номер»); a known one
 * follows «Действие для повторного» (incoming only). Deals go to the answered or the missed stage.
 *
 * A new number is only ever turned into a contact after an answered call, incoming or outgoing: MANGO's
 * integration says "Not answered → no contact" (mango-cc-and-widget.md §2.3) and our settings have no
 * option that says otherwise. The missed call still leaves its journal entry and, with «Задачи по
 * пропущенным», a call-back task naming the number; the missed stage serves repeat clients' deals.
 */
export function planClient(
  call: LoggableCall,
  settings: EffectiveSettings,
  known: { hasOpenDeal: boolean } | null,
): ClientPlan {
  const answered = isAnswered(call);
  const c = settings.calls;
  const stage = answered ? c.answeredStage : c.missedStage;
  if (!known) {
    if (!answered)
      return {
        kind: "nothing",
        reason:
          call.direction === "outgoing"
            ? "новый номер: клиент не ответил, контакт не создаётся"
            : "новый номер: по пропущенному звонку контакт не создаётся",
      };
    if (call.direction === "outgoing") {
      if (!c.outgoing.createContact)
        return { kind: "nothing", reason: "новый номер: контакт при исходящем звонке не создаётся" };
      return c.outgoing.createDeal ? { kind: "contact_and_deal", stage } : { kind: "contact" };
    }
    if (c.newClientAction === "manual")
      return { kind: "nothing", reason: "новый номер: «Действие для нового клиента» — только вручную" };
    return c.newClientAction === "contact_and_deal"
      ? { kind: "contact_and_deal", stage }
      : { kind: "contact" };
  }
  if (call.direction !== "incoming") return { kind: "existing", deal: null };
  const wantsDeal =
    c.repeatClientAction === "always_deal" ||
    (c.repeatClientAction === "deal_if_no_open" && !known.hasOpenDeal);
  return { kind: "existing", deal: wantsDeal ? { stage } : null };
}

/** Busy codes of MANGO's disconnect_reason list (mango-api.md "11xx"): 1121 busy, 1193 busy + auto-reject. */
const BUSY_REASONS = new Set([1121, 1193]);

export function callStatusOf(call: LoggableCall): CallStatus {
  if (isAnswered(call)) return CALL_STATUS.talked;
  if (call.disconnectReason !== null && BUSY_REASONS.has(call.disconnectReason)) return CALL_STATUS.busy;
  return CALL_STATUS.notReached;
}

/**
 * The call entry's result text. A conversation several employees had (a transfer, a consultation) names
 * them all, in the order they answered; the call itself is the last one's.
 */
export function callResultOf(call: LoggableCall): string {
  const talked = (call.talkedExtensions as string[] | undefined) ?? [];
  if (isAnswered(call))
    return talked.length > 1
      ? `Разговор состоялся, говорили сотрудники ${talked.join(", ")}`
      : "Разговор состоялся";
  return call.direction === "incoming" ? "Пропущенный звонок" : "Клиент не ответил";
}

/** A task is due for a missed incoming call when «Задачи по пропущенным» is on. */
export const wantsMissedTask = (call: LoggableCall, settings: EffectiveSettings) =>
  call.direction === "incoming" && !isAnswered(call) && settings.calls.missedTasks.enabled;

/** 142 won and 143 lost close a deal in every pipeline (amocrm-api.md §6.3). */
export const isOpenStatus = (statusId: number) => statusId !== 142 && statusId !== 143;
