// The owner's journal says every reason in Russian. The texts that reach `activity_log.reason` in English
// (the webhook intake's rejections, zod issues, the amoCRM and MANGO clients' error messages, network
// failures) are mapped here when read; the original stays in the technical view. Pure, so unit-tested.
import { describeResultCode } from "@/server/mango/codes";
import { UNAVAILABLE_MESSAGE } from "@/server/mango/errors";

const CYRILLIC = /[А-Яа-яЁё]/;

type Rule = { test: RegExp; text: (m: RegExpExecArray) => string };

const amoStatus = (status: number): string => {
  if (status === 401)
    return "amoCRM отказал в доступе (401): войдите в портал заново, чтобы переподключить amoCRM";
  if (status === 402) return "Подписка amoCRM закончилась (402): продлите её в amoCRM";
  if (status === 403)
    return "amoCRM запретил запрос (403): нет прав или аккаунт временно заблокирован за частые запросы";
  if (status === 404) return "amoCRM не нашёл запрошенную запись (404): возможно, её удалили";
  if (status === 429) return "amoCRM ограничил частоту запросов (429): повторим позже";
  if (status >= 500) return `amoCRM временно недоступен (ошибка ${status}): повторим позже`;
  return `amoCRM отклонил запрос (ошибка ${status}): подробности в техническом журнале`;
};

const RULES: Rule[] = [
  {
    test: /^unknown webhook address/i,
    text: () => "Неизвестный адрес вебхука: такого аккаунта нет (адрес устарел или набран с ошибкой)",
  },
  { test: /^body too large/i, text: () => "Запрос слишком большой (больше 1 МБ), не принят" },
  {
    test: /^invalid signature/i,
    text: () =>
      "Подпись не совпала: запрос отправлен не MANGO OFFICE либо ключ и соль в MANGO OFFICE сменились — переподключите MANGO OFFICE",
  },
  { test: /^malformed body/i, text: () => "Не удалось прочитать тело запроса, не принят" },
  {
    test: /^invalid payload:.*not this tenant's amoCRM account/i,
    text: () => "Событие пришло от другого аккаунта amoCRM, не принято",
  },
  { test: /^invalid payload/i, text: () => "Данные не в том формате, который мы ожидаем, не приняты" },
  { test: /^amoCRM \S+ \S+ → (\d{3})/, text: (m) => amoStatus(Number(m[1])) },
  { test: /^amoCRM \S+ \S+: network error/, text: () => "Нет связи с amoCRM: повторим позже" },
  {
    test: /^amoCRM \S+ \S+: unexpected response/,
    text: () => "amoCRM ответил в неожиданном формате: сообщите в поддержку",
  },
  { test: /^MANGO [^:]*: result (\d+)/, text: (m) => describeResultCode(Number(m[1])) },
  {
    test: /^MANGO [^:]*: HTTP (\d{3})/,
    text: (m) => `${UNAVAILABLE_MESSAGE} (HTTP ${m[1]}): повторим позже`,
  },
  // "MANGO OFFICE …" is already Russian (e.g. a refusal's reason, server/jobs/refusals.ts).
  { test: /^MANGO (?!OFFICE )/, text: () => UNAVAILABLE_MESSAGE },
  {
    test: /fetch failed|ECONNREFUSED|ENOTFOUND|ECONNRESET|EAI_AGAIN|socket hang up|network/i,
    text: () => "Нет связи с внешним сервисом: повторим позже",
  },
  { test: /timed? ?out|aborted/i, text: () => "Внешний сервис не ответил вовремя: повторим позже" },
];

export const TECHNICAL_REASON = "Техническая ошибка: подробности в техническом журнале";

/**
 * What an owner reads for a journal reason: Russian texts stay as they are, known English ones become
 * Russian, anything else a generic Russian line (the original is in the technical view).
 */
export function ownerReason(raw: string | null | undefined): string | null {
  if (!raw) return null;
  for (const rule of RULES) {
    const m = rule.test.exec(raw);
    if (m) return rule.text(m);
  }
  if (!CYRILLIC.test(raw)) return TECHNICAL_REASON;
  // A sentence starts with a capital; a name keeps its own spelling ("amoCRM отклонил запрос …").
  return /^[а-яё]/.test(raw) ? raw.charAt(0).toUpperCase() + raw.slice(1) : raw;
}
