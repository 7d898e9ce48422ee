import { maskPhone } from "@/server/log/mask";
import { describeResultCode } from "@/server/mango/codes";

/**
 * Why MANGO did not send (or deliver) an SMS, said so that the owner knows which parameter and what to do.
 * MANGO answers `commands/sms` with a result code only (mango-api.md §2.4, §3.8): 2xxx billing, 3100 bad
 * parameters (it does not say which), 3200/3136 a bad number, 3330 an unknown extension, 4300 not sent, and
 * in the delivery report 4301/4391/4392/4393. Where MANGO does not name the parameter, the message names the
 * ones it can be, most likely first: we check the text length and the number ourselves before sending, so
 * a 3100 is in practice the sender name (not registered in the LK) or the extension the SMS goes from.
 *
 * Shown in the SMS log (`sms_messages.reason`) and in the journal (the send job's failure).
 */

export type SmsRefusalContext = {
  senderName: string | null;
  /** The extension the SMS is sent from and billed to (the rule's author). */
  fromExtension: string;
  /** E.164; masked in the message. */
  phone: string;
};

/** Where the LK keeps sender names (mango-cc-and-widget.md §2.3 / MO-amo-guide §2.19). */
export const SENDER_SETTINGS_PATH =
  "личном кабинете ВАТС → Общие настройки → Дополнительные настройки → «Отправка SMS»";

const senderAdvice = (c: SmsRefusalContext) =>
  c.senderName
    ? `Имя отправителя «${c.senderName}» не зарегистрировано в MANGO OFFICE: добавьте его в ${SENDER_SETTINGS_PATH} или выберите в правиле другое.`
    : `Имя отправителя не указано, а у ВАТС нет имени по умолчанию: добавьте имя в ${SENDER_SETTINGS_PATH} и выберите его в правиле.`;

const extensionAdvice = (c: SmsRefusalContext) =>
  `Внутренний номер ${c.fromExtension} (автор правила), с которого отправляется SMS, не найден в ВАТС: сопоставьте автора с действующим сотрудником на странице «Сотрудники» и сохраните правило от его имени.`;

function advice(code: number, c: SmsRefusalContext): string | null {
  const to = maskPhone(c.phone);
  switch (code) {
    case 3100:
    case 3103:
    case 3104:
      return `${senderAdvice(c)} Если имя верное — проверьте внутренний номер ${c.fromExtension}, с которого отправляется SMS: он должен быть у сотрудника ВАТС.`;
    case 3330:
      return extensionAdvice(c);
    case 3200:
    case 3136:
      return `Номер получателя ${to} MANGO OFFICE не принимает: исправьте телефон в карточке контакта amoCRM (формат +7XXXXXXXXXX).`;
    case 3109:
      return "Текст SMS длиннее, чем принимает MANGO OFFICE (612 латиницей / 268 кириллицей): сократите шаблон правила.";
    case 2240:
    case 5010:
      return "На счёте MANGO OFFICE недостаточно средств: пополните баланс в личном кабинете — следующие SMS уйдут после пополнения.";
    case 2210:
    case 2211:
    case 2212:
    case 2250:
      return `${describeResultCode(code)} на отправку SMS в MANGO OFFICE: увеличьте лимит в личном кабинете или дождитесь начала следующего периода.`;
    case 2100:
    case 2110:
    case 2120:
    case 2130:
    case 2140:
      return `${describeResultCode(code)} в MANGO OFFICE: SMS не отправляются, пока счёт не активен — обратитесь в поддержку MANGO OFFICE.`;
    case 2200:
    case 2230:
    case 5008:
      return "Отправка SMS недоступна для аккаунта MANGO OFFICE: подключите услугу «Отправка SMS» в личном кабинете.";
    case 2300:
      return `Направление получателя ${to} закрыто для SMS в MANGO OFFICE: откройте его в личном кабинете или отправьте на другой номер.`;
    case 4300:
      return `MANGO OFFICE не смог отправить SMS на ${to}: проверьте, что номер мобильный, а имя отправителя «${c.senderName ?? "—"}» согласовано с операторами (${SENDER_SETTINGS_PATH}).`;
    case 4301:
      return `SMS не доставлено: телефон ${to} был недоступен весь срок доставки. Проверьте номер или свяжитесь с клиентом иначе.`;
    case 4391:
      return `SMS потеряно оператором связи по пути к ${to}: отправьте ещё раз.`;
    case 4392:
      return `Оператор получателя отклонил SMS на ${to}: номер может не принимать SMS, или имя отправителя «${c.senderName ?? "—"}» не согласовано с этим оператором — уточните в поддержке MANGO OFFICE.`;
    case 4393:
      return "Отправка SMS отменена в MANGO OFFICE.";
    case 4500:
    case 4507:
      return `${describeResultCode(code)}: MANGO OFFICE не отправляет SMS на ${to} по правилам безопасности аккаунта — проверьте настройки безопасности в личном кабинете.`;
    default:
      return null;
  }
}

/** «<what MANGO says> (код N). <what to do>» — or just the first part for codes without a known remedy. */
export function describeSmsRefusal(code: number, context: SmsRefusalContext): string {
  const known = advice(code, context);
  const head = `MANGO OFFICE: ${describeResultCode(code)} (код ${code}).`;
  if (known) return `${head} ${known}`;
  if (code >= 5000 && code < 6000)
    return `${head} Это сбой на стороне MANGO OFFICE: SMS можно отправить снова позже.`;
  return head;
}
