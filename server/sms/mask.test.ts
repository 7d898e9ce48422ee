import { describe, expect, it } from "vitest";
import { hideNumberIn, maskRecipientPhone } from "./mask";

describe("maskRecipientPhone", () => {
  it("keeps the country and operator codes and the last two digits", () => {
    expect(maskRecipientPhone("+79161234567")).toBe("+7 916 ***-**-67");
    expect(maskRecipientPhone("+74951234500")).toBe("+7 495 ***-**-00");
    expect(maskRecipientPhone("79161234567")).toBe("+7 916 ***-**-67");
    expect(maskRecipientPhone("+12133734253")).toBe("+1 213 ***-**53");
    expect(maskRecipientPhone("+380501234567")).toBe("+380 50 ***-**67");
  });

  it("hides at least four digits of anything, parsed or not", () => {
    for (const n of ["+79161234567", "+442071234567", "+3726123456", "+999123", "12", "sip:101"]) {
      const masked = maskRecipientPhone(n);
      const national = n.replace(/\D/g, "");
      const shown = masked.replace(/\D/g, "");
      expect(national.length - shown.length >= 4 || shown.length <= 2, `${n} → ${masked}`).toBe(true);
    }
    expect(maskRecipientPhone("+999123")).toBe("***");
  });
});

describe("hideNumberIn", () => {
  it("masks the recipient's own number in any spelling, and nothing else", () => {
    const text = "Ваш номер 8 (916) 123-45-67, +79161234567; офис +7 495 404-44-44";
    expect(hideNumberIn(text, "+79161234567")).toBe(
      "Ваш номер +7 916 ***-**-67, +7 916 ***-**-67; офис +7 495 404-44-44",
    );
  });
});
