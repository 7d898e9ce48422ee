import { describe, expect, it } from "vitest";
import { classifyNumber, normalizePhone, samePhone, toMangoNumber } from "./normalize";

describe("normalizePhone", () => {
  const russianMobile: string[] = [
    "8 (999) 123-45-67",
    "8(999)1234567",
    "8-999-123-45-67",
    "8 999 123 45 67",
    "+79991234567",
    "+7 (999) 123-45-67",
    "+7 999 123-45-67",
    "7 999 123 45 67",
    "79991234567",
    "9991234567",
    "(999) 123-45-67",
    "999.123.45.67",
    "  +7 999 1234567  ",
    "sip:79991234567@vpbx400000001.mangosip.ru",
    "sip:+79991234567@vpbx400000001.mangosip.ru;transport=udp",
    "sips:89991234567@example.org",
    "tel:+7-999-123-45-67",
    "tel:+79991234567;ext=101",
    "TEL:89991234567",
    "%2B79991234567",
    "+7 999 123-45-67 доб. 101",
    "8 999 123 45 67 ext 12",
  ];

  for (const input of russianMobile) {
    it(`"${input}" → +79991234567`, () => {
      expect(normalizePhone(input)).toBe("+79991234567");
    });
  }

  it.each([
    ["74955404444", "+74955404444"],
    ["8 (495) 540-44-44", "+74955404444"],
    ["4955404444", "+74955404444"],
    ["88005553535", "+78005553535"],
    ["8 800 555-35-35", "+78005553535"],
    ["78124072916", "+78124072916"],
    ["+375291111111", "+375291111111"],
    ["375291111111", "+375291111111"],
    ["810375291111111", "+375291111111"],
    ["00375291111111", "+375291111111"],
    ["+44 20 7946 0958", "+442079460958"],
    ["442079460958", "+442079460958"],
    ["+1 (202) 555-0123", "+12025550123"],
    ["+77011234567", "+77011234567"],
  ])("%s → %s", (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each([
    ["101"],
    ["0511"],
    ["10004"],
    ["112"],
    ["1212121"],
    ["sip:ivanov@vpbx400000001.mangosip.ru"],
    ["sip:101@vpbx400000001.mangosip.ru"],
    ["Agent_1309_2@mangosip.ru"],
    ["skype:ivan.petrov"],
    ["позвонить завтра"],
    [""],
    ["+"],
    ["7800123456789"],
  ])("%s is not a telephone number", (input) => {
    expect(normalizePhone(input)).toBeNull();
  });

  it("accepts null and undefined", () => {
    expect(normalizePhone(null)).toBeNull();
    expect(normalizePhone(undefined)).toBeNull();
  });

  it("takes another default country when asked", () => {
    expect(normalizePhone("029 111-11-11", { defaultCountry: "BY" })).toBe("+375291111111");
  });
});

describe("classifyNumber", () => {
  it("recognises extensions and short numbers", () => {
    expect(classifyNumber("101")).toEqual({ kind: "extension", extension: "101" });
    expect(classifyNumber("0511")).toEqual({ kind: "extension", extension: "0511" });
    expect(classifyNumber(" 10 004 ")).toEqual({ kind: "extension", extension: "10004" });
  });

  it("keeps SIP logins apart from phones", () => {
    expect(classifyNumber("sip:user00000@tech.mangosip.ru")).toEqual({
      kind: "sip",
      uri: "sip:user00000@tech.mangosip.ru",
    });
  });

  it("reports the extension dialled after a phone and the country", () => {
    expect(classifyNumber("+7 (495) 540-44-44 доб. 101")).toMatchObject({
      kind: "phone",
      e164: "+74955404444",
      extension: "101",
      country: "RU",
      valid: true,
    });
  });

  it("calls a plausible-length number of an unassigned range a phone, but not valid", () => {
    expect(classifyNumber("+7 000 123-45-67")).toMatchObject({
      kind: "phone",
      e164: "+70001234567",
      valid: false,
    });
  });

  it("gives local numbers without an area code back as unknown (only MANGO knows the city)", () => {
    expect(classifyNumber("540-44-44")).toEqual({ kind: "unknown", raw: "540-44-44" });
  });
});

describe("toMangoNumber and samePhone", () => {
  it("writes E.164 the way MANGO does: digits without '+'", () => {
    expect(toMangoNumber("+79991234567")).toBe("79991234567");
  });

  it("compares written forms by the number they denote", () => {
    expect(samePhone("8 (999) 123-45-67", "sip:79991234567@vpbx.mangosip.ru")).toBe(true);
    expect(samePhone("+79991234567", "+79991234568")).toBe(false);
    expect(samePhone("101", "101")).toBe(false);
  });
});
