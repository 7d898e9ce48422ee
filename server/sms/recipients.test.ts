import { describe, expect, it } from "vitest";
import {
  employeeSmsAvailability,
  pickClientPhone,
  resolveSmsRecipients,
  type SmsEmployee,
} from "./recipients";

const contact = (phones: { value: string; enumCode: string | null }[]) => ({ name: "Олег", phones });
const vasily: SmsEmployee = {
  amoUserId: 501,
  name: "Лопаткин Василий",
  mapped: { extension: "100", mobile: "79031112233" },
};

describe("pickClientPhone", () => {
  it("chooses the MOB phone over a WORK phone listed first", () => {
    const picked = pickClientPhone(
      contact([
        { value: "+7 495 540-44-44", enumCode: "WORK" },
        { value: "8 (916) 123-45-67", enumCode: "MOB" },
      ]),
    );
    expect(picked).toMatchObject({ ok: true, phone: "+79161234567" });
  });

  it("takes the first phone when none is marked mobile", () => {
    const picked = pickClientPhone(
      contact([
        { value: "8 495 540 44 44", enumCode: "WORK" },
        { value: "+7 916 123 45 67", enumCode: "HOME" },
      ]),
    );
    expect(picked).toMatchObject({ ok: true, phone: "+74955404444" });
  });

  it("passes over a value that is not a number", () => {
    const picked = pickClientPhone(
      contact([
        { value: "доб. 12", enumCode: "MOB" },
        { value: "89161234567", enumCode: "OTHER" },
      ]),
    );
    expect(picked).toMatchObject({ ok: true, phone: "+79161234567" });
  });

  it("explains a deal without a main contact or a contact without phones", () => {
    expect(pickClientPhone(null)).toMatchObject({
      ok: false,
      reason: expect.stringContaining("нет основного контакта"),
    });
    expect(pickClientPhone(contact([]))).toMatchObject({
      ok: false,
      reason: expect.stringContaining("«Олег» нет телефона"),
    });
  });
});

describe("employeeSmsAvailability", () => {
  it("an employee gets SMS at the mobile of the paired extension", () => {
    expect(employeeSmsAvailability(vasily)).toEqual({
      available: true,
      phone: "+79031112233",
      name: "Лопаткин Василий",
    });
  });

  it("without a mapped extension: not available, with the reason", () => {
    const result = employeeSmsAvailability({ amoUserId: 502, name: "Иванова Анна", mapped: null });
    expect(result).toMatchObject({ available: false });
    if (!result.available)
      expect(result.reason).toContain("«Иванова Анна» не сопоставлен с внутренним номером");
  });

  it("without a mobile on the extension: not available, with the reason", () => {
    const result = employeeSmsAvailability({ ...vasily, mapped: { extension: "100", mobile: null } });
    expect(result).toMatchObject({ available: false });
    if (!result.available) expect(result.reason).toContain("внутреннего номера 100");
  });

  it("never puts a full number into a reason", () => {
    const result = employeeSmsAvailability({ ...vasily, mapped: { extension: "100", mobile: "12345678" } });
    expect(result).toMatchObject({ available: false });
    if (!result.available) expect(result.reason).not.toContain("12345678");
  });
});

describe("resolveSmsRecipients", () => {
  const mainContact = contact([{ value: "+7 916 123-45-67", enumCode: "MOB" }]);

  it("resolves the client, the responsible and the author", () => {
    const author: SmsEmployee = {
      amoUserId: 600,
      name: "Админ",
      mapped: { extension: "101", mobile: "+79035550000" },
    };
    const { recipients, skipped } = resolveSmsRecipients({
      roles: ["client", "responsible", "author"],
      mainContact,
      responsible: vasily,
      author,
    });
    expect(recipients).toEqual([
      { phone: "+79161234567", name: "Олег", roles: ["client"] },
      { phone: "+79031112233", name: "Лопаткин Василий", roles: ["responsible"] },
      { phone: "+79035550000", name: "Админ", roles: ["author"] },
    ]);
    expect(skipped).toEqual([]);
  });

  it("a responsible without an extension or without a mobile gets no SMS and comes back with the reason", () => {
    for (const mapped of [null, { extension: "100", mobile: "" }]) {
      const { recipients, skipped } = resolveSmsRecipients({
        roles: ["client", "responsible"],
        mainContact,
        responsible: { ...vasily, mapped },
        author: null,
      });
      expect(recipients.map((r) => r.roles)).toEqual([["client"]]);
      expect(skipped).toHaveLength(1);
      expect(skipped[0]).toMatchObject({ role: "responsible", name: "Лопаткин Василий" });
      expect(skipped[0]?.reason).toMatch(/не сопоставлен|не указан мобильный/);
    }
  });

  it("one SMS per number: the responsible who is also the author is listed once with both roles", () => {
    const { recipients } = resolveSmsRecipients({
      roles: ["responsible", "author", "author"],
      mainContact: null,
      responsible: vasily,
      author: { ...vasily, mapped: { extension: "100", mobile: "8 903 111-22-33" } },
    });
    expect(recipients).toEqual([
      { phone: "+79031112233", name: "Лопаткин Василий", roles: ["responsible", "author"] },
    ]);
  });

  it("a client whose number is the responsible's mobile gets one SMS", () => {
    const { recipients } = resolveSmsRecipients({
      roles: ["client", "responsible"],
      mainContact: contact([{ value: "+7 903 111 22 33", enumCode: "MOB" }]),
      responsible: vasily,
      author: null,
    });
    expect(recipients).toEqual([{ phone: "+79031112233", name: "Олег", roles: ["client", "responsible"] }]);
  });

  it("explains a deal without a responsible", () => {
    const { recipients, skipped } = resolveSmsRecipients({
      roles: ["responsible"],
      mainContact,
      responsible: null,
      author: null,
    });
    expect(recipients).toEqual([]);
    expect(skipped[0]?.reason).toContain("нет ответственного");
  });
});
