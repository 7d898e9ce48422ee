import { describe, expect, it } from "vitest";
import { describeResultCode } from "./codes";
import {
  MangoAuthError,
  MangoBillingError,
  MangoCampaignError,
  MangoInvalidRequestError,
  MangoLockedOutError,
  MangoNotFoundError,
  MangoProtocolError,
  MangoRateLimitError,
  MangoRejectedError,
  MangoServerError,
  MangoSignatureError,
  mangoErrorFrom,
} from "./errors";

const read = (code: number | null, httpStatus = 420) =>
  mangoErrorFrom({ method: "config/users/request", code, httpStatus, idempotent: true });
const command = (code: number | null, httpStatus = 200) =>
  mangoErrorFrom({ method: "commands/callback", code, httpStatus, idempotent: false });

describe("mangoErrorFrom", () => {
  it("tells a wrong key from a wrong signature, with the texts onboarding shows", () => {
    const key = read(3105);
    expect(key).toBeInstanceOf(MangoAuthError);
    expect(key.humanMessage).toBe("Неверный ключ API");
    expect(key.retrySafe).toBe(false);
    const sig = read(3102);
    expect(sig).toBeInstanceOf(MangoSignatureError);
    expect(sig.humanMessage).toBe("Неверная подпись — проверьте соль");
    expect(sig.retrySafe).toBe(false);
  });

  it("maps HTTP 401 to the lock-out: safe to repeat, but only after two minutes", () => {
    const e = read(null, 401);
    expect(e).toBeInstanceOf(MangoLockedOutError);
    expect(e.retrySafe).toBe(true);
    expect(e.retryAfterMs).toBe(120_000);
    expect(e.humanMessage).toContain("2 минуты");
  });

  it("maps the documented 429 body and the internal 4290 to a rate limit, safe even for commands", () => {
    const e = command(0, 429);
    expect(e).toBeInstanceOf(MangoRateLimitError);
    expect(e.retrySafe).toBe(true);
    expect(command(4290)).toBeInstanceOf(MangoRateLimitError);
  });

  it("classifies result codes by class, as MANGO asks for unknown codes", () => {
    expect(read(3100)).toBeInstanceOf(MangoInvalidRequestError);
    expect(read(3400)).toBeInstanceOf(MangoInvalidRequestError);
    expect(read(3399)).toBeInstanceOf(MangoNotFoundError);
    expect(read(3320)).toBeInstanceOf(MangoNotFoundError);
    expect(read(2240)).toBeInstanceOf(MangoBillingError);
    expect(read(4101)).toBeInstanceOf(MangoRejectedError);
    expect(read(5106, 200)).toBeInstanceOf(MangoCampaignError);
    expect(read(5109, 200)).toBeInstanceOf(MangoCampaignError);
    expect(read(5000)).toBeInstanceOf(MangoServerError);
    for (const code of [3100, 3320, 2240, 4101, 5106]) expect(read(code).retrySafe).toBe(false);
  });

  it("lets reads repeat any server failure, commands only MANGO's refusals", () => {
    expect(read(5000).retrySafe).toBe(true);
    expect(read(null, 500).retrySafe).toBe(true);
    const unknown = command(5000);
    expect(unknown.retrySafe).toBe(false);
    expect(unknown.outcomeUnknown).toBe(true);
    expect(command(null, 502).retrySafe).toBe(false);
    expect(command(null, 502).outcomeUnknown).toBe(true);
    for (const refused of [5001, 5002, 5008]) {
      expect(command(refused).retrySafe).toBe(true);
      expect(command(refused).outcomeUnknown).toBe(false);
    }
    expect(command(null, 503).retrySafe).toBe(true);
  });

  it("says 'API MANGO OFFICE недоступен' for server failures", () => {
    expect(read(5003).humanMessage).toBe("API MANGO OFFICE недоступен");
    expect(read(null, 503).humanMessage).toBe("API MANGO OFFICE недоступен");
  });

  it("uses the code's Russian description for business refusals", () => {
    expect(read(5106, 200).humanMessage).toBe("Статус кампании не позволяет выполнить действие");
    expect(read(3300).humanMessage).toBe("Объект не существует");
  });

  it("treats an answer without a code and without an error status as a protocol error", () => {
    expect(read(null, 200)).toBeInstanceOf(MangoProtocolError);
    expect(read(null, 404)).toBeInstanceOf(MangoNotFoundError);
  });

  it("keeps secrets out of the log message", () => {
    expect(read(3102).message).toBe("MANGO config/users/request: result 3102, HTTP 420");
  });
});

describe("describeResultCode", () => {
  it("knows documented codes and falls back to subclass, then class", () => {
    expect(describeResultCode(1121)).toBe("Абонент занят");
    expect(describeResultCode(2219)).toBe("Превышен лимит за период");
    expect(describeResultCode(1090)).toBe("Успешно");
    expect(describeResultCode(1109)).toBe("Вызов завершён в нормальном режиме");
    expect(describeResultCode(1250)).toBe("Ошибка сессии Контакт-центра");
    expect(describeResultCode(9999)).toBe("Код MANGO 9999");
  });
});
