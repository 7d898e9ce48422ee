// What an auto-callback attempt's facts mean for its item (pure: no database, no I/O). The facts are
// gathered from MANGO's result/callback, events/call and events/summary in any order (events.ts); the
// decision is a function of the facts alone, so a duplicated, late or reordered event cannot change it
// except by adding a fact.
import type { CallbackAttemptRow } from "@/db/schema";

export type AttemptFacts = Pick<
  CallbackAttemptRow,
  "resultCode" | "operatorConnectedAt" | "clientAnsweredAt" | "finishedAt" | "disconnectReason"
>;

export type CallbackDecision = {
  state: "succeeded" | "failed";
  /** Russian, for the queue view, the journal and the amoCRM task. */
  reason: string | null;
  /** MANGO's refusal code, or the call's disconnect reason. */
  resultCode: number | null;
  /** Refused by MANGO (no call at all): no later event can change it. */
  refused: boolean;
};

/** MANGO's result codes a refused commands/callback(_group) may carry (mango-api.md §3.8), in words. */
export function refusalText(code: number): string {
  const exact: Record<number, string> = {
    1160: "нет свободных операторов группы",
    1164: "все операторы группы недоступны",
    2240: "недостаточно средств на счёте MANGO",
    3100: "неверные параметры команды: добавочный, номер клиента или линия",
    3103: "не хватает обязательного параметра",
    3104: "неверный формат параметра",
    3124: "линия не подходит для исходящих звонков",
    3136: "неверный формат номера",
    3200: "неверный номер клиента",
    3330: "номер не найден в ВАТС",
    4001: "команда не поддерживается",
    4100: "звонок невозможен по логике ВАТС",
    4501: "превышен лимит частоты звонков",
  };
  if (exact[code]) return exact[code];
  // Unknown codes are read by their class (mango-api.md §3.8: "2219 → 2210").
  if (code >= 2000 && code < 3000) return "ограничение биллинга MANGO";
  if (code >= 3000 && code < 4000) return "MANGO отклонил параметры команды";
  if (code >= 4000 && code < 5000) return "MANGO не может выполнить команду";
  if (code >= 5000 && code < 6000) return "ошибка на стороне MANGO";
  return "звонок не начат";
}

/** Who hung up, busy or did not answer on the employee's leg (leg 1), before the client was dialled. */
function operatorReason(code: number | null): string {
  switch (code) {
    case 1121:
    case 1193:
      return "Оператор занят";
    case 1111:
      return "Оператор не ответил";
    case 1122:
      return "Оператор отклонил звонок";
    case 1123:
    case 1124:
      return "Оператор в статусе «Не беспокоить»";
    case 1131:
    case 1190:
    case 1191:
    case 1192:
    case 4200:
      return "Оператор недоступен (не в сети или вне расписания)";
    case 1160:
    case 1164:
      return "Нет свободных операторов группы";
    default:
      return code === null ? "Оператор не ответил" : `Оператор не ответил (код ${code})`;
  }
}

/** How the client's leg (leg 2) ended without a conversation. */
function clientReason(code: number | null): string {
  switch (code) {
    case 1111:
      return "Клиент не ответил";
    case 1121:
    case 1193:
      return "Клиент занят";
    case 1122:
      return "Клиент отклонил звонок";
    case 1131:
    case 1132:
    case 1133:
    case 3200:
      return "Номер клиента недоступен";
    case 1110:
      return "Оператор положил трубку до ответа клиента";
    default:
      return code === null ? "Клиент не ответил" : `Клиент не ответил (код ${code})`;
  }
}

/**
 * The item's final state from its current attempt's facts, or null while the call is still going:
 * - MANGO refused the command (result ≠ 1000) → failed, the code in the reason;
 * - the client answered (leg 2 Connected, or a summary with talk) → succeeded, whatever came after;
 * - the call ended (leg 2 or a failed leg 1 Disconnected, or the summary) → failed, naming the side:
 *   the operator never connected → the operator's reason, else the client's.
 */
export function decideAttempt(a: AttemptFacts): CallbackDecision | null {
  if (a.resultCode !== null && a.resultCode !== 1000) {
    return {
      state: "failed",
      reason: `MANGO не начал звонок: код ${a.resultCode} (${refusalText(a.resultCode)})`,
      resultCode: a.resultCode,
      refused: true,
    };
  }
  if (a.clientAnsweredAt) {
    return { state: "succeeded", reason: null, resultCode: a.disconnectReason, refused: false };
  }
  if (!a.finishedAt) return null;
  return {
    state: "failed",
    reason: a.operatorConnectedAt ? clientReason(a.disconnectReason) : operatorReason(a.disconnectReason),
    resultCode: a.disconnectReason,
    refused: false,
  };
}
