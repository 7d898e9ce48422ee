import { describe, expect, it } from "vitest";
import { type AttemptFacts, decideAttempt } from "./decide";

const t = (s: number) => new Date(1_790_000_000_000 + s * 1000);
const none: AttemptFacts = {
  resultCode: null,
  operatorConnectedAt: null,
  clientAnsweredAt: null,
  finishedAt: null,
  disconnectReason: null,
};

describe("decideAttempt", () => {
  it("nothing final while the call goes on", () => {
    expect(decideAttempt(none)).toBeNull();
    expect(decideAttempt({ ...none, resultCode: 1000, operatorConnectedAt: t(3) })).toBeNull();
  });

  it("a refusal names MANGO's code, whatever else is known", () => {
    expect(decideAttempt({ ...none, resultCode: 1160 })).toEqual({
      state: "failed",
      reason: "MANGO не начал звонок: код 1160 (нет свободных операторов группы)",
      resultCode: 1160,
      refused: true,
    });
    // An unknown code is read by its class (mango-api.md §3.8).
    expect(decideAttempt({ ...none, resultCode: 2219 })?.reason).toBe(
      "MANGO не начал звонок: код 2219 (ограничение биллинга MANGO)",
    );
  });

  it("the client answered: succeeded, even if the end came first", () => {
    expect(
      decideAttempt({
        ...none,
        resultCode: 1000,
        operatorConnectedAt: t(3),
        clientAnsweredAt: t(12),
        finishedAt: t(40),
        disconnectReason: 1120,
      }),
    ).toEqual({ state: "succeeded", reason: null, resultCode: 1120, refused: false });
  });

  it("the end without an answer names the side that failed", () => {
    const end = (operator: boolean, code: number) =>
      decideAttempt({
        ...none,
        operatorConnectedAt: operator ? t(3) : null,
        finishedAt: t(30),
        disconnectReason: code,
      })?.reason;
    expect(end(true, 1111)).toBe("Клиент не ответил");
    expect(end(true, 1121)).toBe("Клиент занят");
    expect(end(true, 1131)).toBe("Номер клиента недоступен");
    expect(end(false, 1121)).toBe("Оператор занят");
    expect(end(false, 1111)).toBe("Оператор не ответил");
    expect(end(false, 1191)).toBe("Оператор недоступен (не в сети или вне расписания)");
    expect(end(false, 1999)).toBe("Оператор не ответил (код 1999)");
  });
});
