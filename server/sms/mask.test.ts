import { describe, expect, it } from "vitest";
import { hidePhonesIn, maskRecipientPhone } from "./mask";

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

describe("hidePhonesIn", () => {
  it("masks every number in any spelling — the recipient's and anyone else's — and leaves short digit runs", () => {
    const text =
      "Ваш номер 8 (916) 123-45-67, +79161234567; клиент 9031112233; офис +7 495 404-44-44, доб.100, 15 000 ₽";
    expect(hidePhonesIn(text)).toBe(
      "Ваш номер +7 916 ***-**-67, +7 916 ***-**-67; клиент +7 903 ***-**-33; офис +7 495 ***-**-44, доб.100, 15 000 ₽",
    );
  });
});
