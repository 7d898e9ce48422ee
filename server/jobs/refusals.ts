// Deterministic refusals: a request the service refused for what it is, not for when it came. Repeating
// it gives the same answer, so a job that meets one fails at once (runs.ts, for both drivers) with a reason
// that says what was refused, in Russian for the owner. What may succeed later stays retried: amoCRM 401
// (token refresh / reconnect), 404 (callers read it as "not there yet / deleted"), 429, 5xx, network
// failures; MANGO rate limits, lock-outs, 5xxx, "not found" (33xx), billing and unavailability.
import { AmocrmApiError } from "@/server/amocrm/errors";
import { maskText } from "@/server/log/mask";
import { describeResultCode } from "@/server/mango/codes";
import { MangoInvalidRequestError } from "@/server/mango/errors";

/** amoCRM statuses that answer the request itself: bad input (400), unpaid account (402), no rights (403). */
const AMOCRM_REFUSALS = new Set([400, 402, 403]);
const MAX_LISTED = 3;

const quote = (text: string) => `"${maskText(text)}"`;

function describeAmocrm(err: AmocrmApiError): string {
  const issues = err.validationErrors.flatMap((v) => v.errors);
  if (err.status === 400 && issues.length > 0) {
    const listed = issues.slice(0, MAX_LISTED).map((e, i) => {
      const field = e.path ? `поле ${e.path} — ` : "";
      return i === 0 ? `${field}${quote(e.detail)}` : `${e.code}: ${field}${quote(e.detail)}`;
    });
    const more = issues.length > MAX_LISTED ? `; и ещё ${issues.length - MAX_LISTED}` : "";
    return `amoCRM отклонил запрос (400, ${issues[0]!.code}): ${listed.join("; ")}${more}`;
  }
  const said = err.detail ?? err.title;
  const tail = said ? ` — ${quote(said)}` : "";
  if (err.status === 402) return `Подписка amoCRM закончилась (402): продлите её в amoCRM${tail}`;
  if (err.status === 403) return `amoCRM запретил запрос (403): нет прав или аккаунт заблокирован${tail}`;
  return `amoCRM отклонил запрос (${err.status})${tail}`;
}

function describeMango(err: MangoInvalidRequestError): string {
  const code = err.code !== null ? `код ${err.code}: ${describeResultCode(err.code)}` : "неверный запрос";
  return `MANGO OFFICE отклонил запрос (${code}), метод ${err.method}`;
}

/**
 * The owner's reason when `err` (or an error it wraps) is a refusal that no retry can change; null when a
 * retry might succeed. The one classification point both job drivers go through (`runHandler`).
 */
export function refusalOf(err: unknown): string | null {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current instanceof AmocrmApiError && AMOCRM_REFUSALS.has(current.status)) {
      return describeAmocrm(current);
    }
    if (current instanceof MangoInvalidRequestError) return describeMango(current);
    current = current.cause;
  }
  return null;
}
