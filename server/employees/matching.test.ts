import { describe, expect, it } from "vitest";
import { type MatchEmployee, type MatchUser, proposeMatches } from "./matching";
import { emailKey, mobileKey, namesMatch, nameTokens } from "./normalize";
import { MIN_NAME_CONFIDENCE, NAME_INITIAL_SCORE, NAME_TYPO_SCORE, nameSimilarity } from "./similarity";

const emp = (id: string, name: string, email: string | null = null, mobile: string | null = null) =>
  ({ id, name, email, mobile }) satisfies MatchEmployee;
const user = (amoUserId: number, name: string, email: string | null = null, mobile: string | null = null) =>
  ({ amoUserId, name, email, mobile }) satisfies MatchUser;

describe("name normalisation", () => {
  it("ignores case, ё/е, punctuation and extra spaces", () => {
    expect(nameTokens("  СЁМИН,   олег ")).toEqual(["семин", "олег"]);
    expect(nameTokens("Римский-Корсаков Николай")).toEqual(["римский-корсаков", "николай"]);
  });

  it("matches swapped first and last name", () => {
    expect(namesMatch("Лопаткин Василий", "Василий Лопаткин")).toBe(true);
    expect(namesMatch("Сёмин Олег", "Олег Семин")).toBe(true);
  });

  it("tolerates a patronymic on one side only", () => {
    expect(namesMatch("Иванов Иван Петрович", "Иван Иванов")).toBe(true);
    expect(namesMatch("Петрова Анна Сергеевна", "анна петрова")).toBe(true);
    // A surname ending like a patronymic is still a surname: only the extra word may be dropped.
    expect(namesMatch("Абрамович Роман Аркадьевич", "Роман Абрамович")).toBe(true);
    expect(namesMatch("Абрамович Роман Аркадьевич", "Роман Аркадьевич")).toBe(false);
  });

  it("does not match different people or single words", () => {
    expect(namesMatch("Иванов Иван", "Иванов Пётр")).toBe(false);
    expect(namesMatch("Иванов Иван Петрович", "Иванов Пётр")).toBe(false);
    expect(namesMatch("Иван Петрович", "Иванов Иван Петрович")).toBe(false);
    expect(namesMatch("Ресепшн", "ресепшн")).toBe(false);
    expect(namesMatch("Иван Иванов", "Иван Иванов Младший")).toBe(false);
  });

  it("keys e-mails case-insensitively and mobiles as E.164", () => {
    expect(emailKey(" Ivanov@Example.RU ")).toBe("ivanov@example.ru");
    expect(emailKey("  ")).toBeNull();
    expect(mobileKey("8 (916) 111-01-01")).toBe("+79161110101");
    expect(mobileKey(null)).toBeNull();
  });
});

describe("proposeMatches", () => {
  it("pairs by e-mail whatever its case, and says so", () => {
    const r = proposeMatches(
      [emp("e1", "Иванов Иван", "IVANOV@demo.ru")],
      [user(1, "Ваня", "ivanov@Demo.ru")],
    );
    expect(r).toEqual({
      proposals: [{ employeeId: "e1", amoUserId: 1, reason: "email", confidence: 1 }],
      conflicts: [],
    });
  });

  it("pairs by name with ё/е and swapped order when e-mails differ", () => {
    const r = proposeMatches(
      [emp("e1", "Сёмин Олег Викторович", "oleg@pbx.ru")],
      [user(1, "Олег Семин", "semin@crm.ru")],
    );
    expect(r.proposals).toEqual([{ employeeId: "e1", amoUserId: 1, reason: "name", confidence: 1 }]);
  });

  it("pairs by mobile last", () => {
    const r = proposeMatches(
      [emp("e1", "Директор", null, "+79161110105")],
      [user(1, "Босс", null, "8 916 111-01-05")],
    );
    expect(r.proposals).toEqual([{ employeeId: "e1", amoUserId: 1, reason: "mobile", confidence: 1 }]);
  });

  it("prefers e-mail over name: the name stage only sees what e-mail left", () => {
    const r = proposeMatches(
      [emp("e1", "Иван Иванов", "boss@x.ru"), emp("e2", "Иван Иванов", null)],
      [user(1, "Кто-то Другой", "boss@x.ru"), user(2, "Иванов Иван")],
    );
    expect(r.proposals).toEqual([
      { employeeId: "e1", amoUserId: 1, reason: "email", confidence: 1 },
      { employeeId: "e2", amoUserId: 2, reason: "name", confidence: 1 },
    ]);
    expect(r.conflicts).toEqual([]);
  });

  it("reports two candidates for one employee as a conflict and pairs nothing", () => {
    const r = proposeMatches(
      [emp("e1", "Смирнов Дмитрий Алексеевич")],
      [user(1, "Дмитрий Смирнов"), user(2, "Смирнов Дмитрий")],
    );
    expect(r.proposals).toEqual([]);
    expect(r.conflicts).toEqual([{ reason: "name", employeeIds: ["e1"], amoUserIds: [1, 2] }]);
  });

  it("reports one user claimed by two employees as a conflict", () => {
    const r = proposeMatches(
      [emp("e1", "Петров Пётр", "shared@x.ru"), emp("e2", "Петров Павел", "SHARED@x.ru")],
      [user(1, "Пётр Петров", "shared@x.ru")],
    );
    expect(r.proposals).toEqual([]);
    expect(r.conflicts).toEqual([{ reason: "email", employeeIds: ["e1", "e2"], amoUserIds: [1] }]);
  });

  it("keeps a conflict out of the later stages instead of guessing there", () => {
    // Same e-mail on two users: the name would single one out, but a doubtful directory is shown, not guessed.
    const r = proposeMatches(
      [emp("e1", "Орлов Глеб", "team@x.ru")],
      [user(1, "Глеб Орлов", "team@x.ru"), user(2, "Кира Орлова", "team@x.ru")],
    );
    expect(r.proposals).toEqual([]);
    expect(r.conflicts).toHaveLength(1);
  });

  it("leaves unmatched people alone", () => {
    const r = proposeMatches([emp("e1", "Один Человек")], [user(1, "Совсем Другой")]);
    expect(r).toEqual({ proposals: [], conflicts: [] });
  });
});

describe("name similarity", () => {
  it("is 1 for the same words in any order, case and ё/е ignored", () => {
    expect(nameSimilarity("Лопаткин Василий", "Василий Лопаткин")).toBe(1);
    expect(nameSimilarity("СЁМИН Олег", "олег семин")).toBe(1);
    expect(nameSimilarity("Петрова Анна Сергеевна", "Анна Петрова")).toBe(1);
  });

  it("accepts an initial for the first name, with lower confidence", () => {
    expect(nameSimilarity("Смирнов А.", "Алексей Смирнов")).toBe(NAME_INITIAL_SCORE);
    expect(nameSimilarity("Смирнов Алексей Петрович", "А. Смирнов")).toBe(NAME_INITIAL_SCORE);
    expect(nameSimilarity("Смирнов Б.", "Алексей Смирнов")).toBe(0);
    // Two initials, or an initial with a different surname, say nothing.
    expect(nameSimilarity("С. А.", "Алексей Смирнов")).toBe(0);
    expect(nameSimilarity("Смирнова А.", "Алексей Смирнов")).toBe(0);
  });

  it("forgives one typo in one word, not in both and not in short words", () => {
    expect(nameSimilarity("Лопаткин Василий", "Василий Лопатктн")).toBe(NAME_TYPO_SCORE);
    expect(nameSimilarity("Лопаткин Василий", "Васили Лопаткин")).toBe(NAME_TYPO_SCORE);
    expect(nameSimilarity("Лопаткин Василий", "Васили Лопатктн")).toBe(0);
    expect(nameSimilarity("Ким Олег", "Кин Олег")).toBe(0);
  });

  it("reads Latin spellings through transliteration", () => {
    expect(nameSimilarity("Vasiliy Lopatkin", "Лопаткин Василий")).toBe(0.9);
    expect(nameSimilarity("Лопаткин Василий", "Vasily Lopatkin")).toBeGreaterThanOrEqual(MIN_NAME_CONFIDENCE);
    expect(nameSimilarity("Ivan Petrov", "Лопаткин Василий")).toBe(0);
  });

  it("never matches different people or single words", () => {
    expect(nameSimilarity("Иванов Иван", "Иванов Пётр")).toBe(0);
    expect(nameSimilarity("Ресепшн", "Ресепшн")).toBe(0);
    expect(nameSimilarity("Иван Иванов", "Пётр Петров")).toBe(0);
  });

  it("proposes a pair by a similar name with its confidence; never more than a proposal", () => {
    const r = proposeMatches(
      [emp("e1", "Смирнов А.", "smirnov@pbx.ru"), emp("e2", "Лопаткин Василий", "vl@pbx.ru")],
      [user(1, "Алексей Смирнов", "alexey@crm.ru"), user(2, "Василий Лопаткин", "lopatkin@crm.ru")],
    );
    expect(r.proposals).toEqual([
      { employeeId: "e1", amoUserId: 1, reason: "name", confidence: NAME_INITIAL_SCORE },
      { employeeId: "e2", amoUserId: 2, reason: "name", confidence: 1 },
    ]);
  });

  it("an initial that fits two users is a conflict, not a guess", () => {
    const r = proposeMatches(
      [emp("e1", "Смирнов А.")],
      [user(1, "Алексей Смирнов"), user(2, "Анна Смирнов")],
    );
    expect(r.proposals).toEqual([]);
    expect(r.conflicts).toEqual([{ reason: "name", employeeIds: ["e1"], amoUserIds: [1, 2] }]);
  });
});
