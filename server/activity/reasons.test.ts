import { describe, expect, it } from "vitest";
import { ownerReason, TECHNICAL_REASON } from "./reasons";

describe("journal reasons in Russian", () => {
  it.each([
    ["invalid signature", /^Подпись не совпала/],
    ["unknown webhook address", /^Неизвестный адрес вебхука/],
    ["body too large", /^Запрос слишком большой/],
    ["malformed body: Unexpected token", /^Не удалось прочитать тело запроса/],
    [
      "invalid payload: entry_id: Invalid input: expected string, received undefined",
      /^Данные не в том формате/,
    ],
    [
      "invalid payload: account_id: the account in the body is not this tenant's amoCRM account",
      /^Событие пришло от другого аккаунта amoCRM/,
    ],
    ["amoCRM POST /api/v4/calls → 401 Unauthorized", /переподключить amoCRM/],
    ["amoCRM GET /api/v4/leads/5 → 502 Bad Gateway", /^amoCRM временно недоступен \(ошибка 502\)/],
    ["amoCRM GET /api/v4/leads → 429", /^amoCRM ограничил частоту запросов/],
    ["amoCRM GET /api/v4/leads: network error (fetch failed)", /^Нет связи с amoCRM/],
    ["MANGO commands/sms: result 3101", /[А-Яа-я]/],
    ["MANGO commands/sms: HTTP 503", /^API MANGO OFFICE недоступен \(HTTP 503\)/],
    ["fetch failed", /^Нет связи с внешним сервисом/],
  ])("%s", (raw, expected) => {
    expect(ownerReason(raw)).toMatch(expected);
  });

  it("keeps Russian reasons and replaces unknown English with a pointer to the technical view", () => {
    expect(ownerReason("Сделка уже на другом этапе")).toBe("Сделка уже на другом этапе");
    expect(ownerReason("номер клиента скрыт или не распознан")).toBe("Номер клиента скрыт или не распознан");
    expect(ownerReason("Cannot read properties of undefined")).toBe(TECHNICAL_REASON);
    expect(ownerReason(null)).toBeNull();
    // Russian reasons led by a service's name keep it as it is spelled.
    expect(ownerReason("MANGO OFFICE не подключена")).toBe("MANGO OFFICE не подключена");
    expect(ownerReason("amoCRM отклонил запрос (400)")).toBe("amoCRM отклонил запрос (400)");
  });
});
