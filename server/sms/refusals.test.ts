import { describe, expect, it } from "vitest";
import { describeSmsRefusal } from "./refusals";

/** Issue 11 §5: an SMS MANGO refuses says which parameter and what to do (SMS log, journal). */
const sms = { senderName: "ROMASHKA", fromExtension: "101", phone: "+79161234567" };

describe("describeSmsRefusal", () => {
  it("3100 names the sender name and where to register it, then the extension", () => {
    const text = describeSmsRefusal(3100, sms);
    expect(text).toMatch(/^MANGO OFFICE: Неверные параметры команды \(код 3100\)\./);
    expect(text).toContain(
      "Имя отправителя «ROMASHKA» не зарегистрировано в MANGO OFFICE: добавьте его в личном кабинете ВАТС → Общие настройки → Дополнительные настройки → «Отправка SMS» или выберите в правиле другое.",
    );
    expect(text).toContain("внутренний номер 101");
  });

  it("a missing sender name asks to add one", () => {
    expect(describeSmsRefusal(3100, { ...sms, senderName: null })).toContain("Имя отправителя не указано");
  });

  it("a bad number names the (masked) number and where to fix it", () => {
    const text = describeSmsRefusal(3200, sms);
    expect(text).toContain("Номер получателя +7916***4567");
    expect(text).toContain("исправьте телефон в карточке контакта amoCRM");
    expect(text).not.toContain("79161234567");
  });

  it("an unknown extension points to «Сотрудники»", () => {
    expect(describeSmsRefusal(3330, sms)).toContain("Внутренний номер 101");
    expect(describeSmsRefusal(3330, sms)).toContain("«Сотрудники»");
  });

  it("no funds, limits and a blocked account say what to do in the LK", () => {
    expect(describeSmsRefusal(2240, sms)).toContain("пополните баланс");
    expect(describeSmsRefusal(2211, sms)).toMatch(/^MANGO OFFICE: Превышен дневной лимит \(код 2211\)\./);
    expect(describeSmsRefusal(2211, sms)).toContain("увеличьте лимит");
    expect(describeSmsRefusal(2110, sms)).toContain("обратитесь в поддержку MANGO OFFICE");
    expect(describeSmsRefusal(2230, sms)).toContain("подключите услугу «Отправка SMS»");
  });

  it("text too long and delivery refusals", () => {
    expect(describeSmsRefusal(3109, sms)).toContain("сократите шаблон");
    expect(describeSmsRefusal(4392, sms)).toContain("«ROMASHKA» не согласовано");
    expect(describeSmsRefusal(4301, sms)).toContain("был недоступен");
  });

  it("a server failure says it may be sent again; an unknown code still says its code", () => {
    expect(describeSmsRefusal(5001, sms)).toContain("можно отправить снова позже");
    expect(describeSmsRefusal(3999, sms)).toBe("MANGO OFFICE: Неверный запрос (код 3999).");
  });
});
