import { describe, expect, it } from "vitest";
import { checkMangoLength, countSmsSegments, isGsm7 } from "./segments";

const latin = (n: number) => "a".repeat(n);
const cyrillic = (n: number) => "ж".repeat(n);

describe("countSmsSegments", () => {
  it("an empty text is no segment, with a whole SMS left", () => {
    expect(countSmsSegments("")).toMatchObject({ encoding: "GSM-7", segments: 0, remaining: 160 });
  });

  it("GSM-7: 160 characters are one SMS, 161 are two parts of 153", () => {
    expect(countSmsSegments(latin(160))).toMatchObject({ encoding: "GSM-7", segments: 1, remaining: 0 });
    expect(countSmsSegments(latin(161))).toMatchObject({
      segments: 2,
      perSegment: 153,
      remaining: 153 * 2 - 161,
    });
    expect(countSmsSegments(latin(306))).toMatchObject({ segments: 2, remaining: 0 });
    expect(countSmsSegments(latin(307))).toMatchObject({ segments: 3 });
  });

  it("UCS-2: 70 Cyrillic characters are one SMS, 71 are two parts of 67", () => {
    expect(countSmsSegments(cyrillic(70))).toMatchObject({ encoding: "UCS-2", segments: 1, remaining: 0 });
    expect(countSmsSegments(cyrillic(71))).toMatchObject({
      segments: 2,
      perSegment: 67,
      remaining: 67 * 2 - 71,
    });
    expect(countSmsSegments(cyrillic(134))).toMatchObject({ segments: 2, remaining: 0 });
    expect(countSmsSegments(cyrillic(135))).toMatchObject({ segments: 3 });
  });

  it("one Cyrillic letter makes a Latin text UCS-2", () => {
    expect(countSmsSegments(`${latin(69)}ж`)).toMatchObject({ encoding: "UCS-2", segments: 1 });
    expect(countSmsSegments(`${latin(70)}ж`)).toMatchObject({ encoding: "UCS-2", segments: 2 });
  });

  it("extension characters € [ ] { } count double in GSM-7", () => {
    for (const ch of ["€", "[", "]", "{", "}", "^", "~", "|", "\\"]) {
      expect(countSmsSegments(ch)).toMatchObject({ encoding: "GSM-7", units: 2 });
    }
    expect(countSmsSegments(`${latin(158)}€`)).toMatchObject({ units: 160, segments: 1, remaining: 0 });
    expect(countSmsSegments(`${latin(159)}€`)).toMatchObject({ units: 161, segments: 2 });
    expect(countSmsSegments("{}[]")).toMatchObject({ units: 8 });
  });

  it("never splits an escape pair between two parts", () => {
    // 152 septets then "€" (2): it does not fit the first part's last septet, so it opens the second.
    const count = countSmsSegments(`${latin(152)}€${latin(152)}`);
    expect(count).toMatchObject({ units: 306, segments: 3 });
  });

  it("GSM-7 national letters stay single; characters outside it force UCS-2", () => {
    expect(isGsm7("@£$¥èéùìòÇØøÅåΔ_ÆæßÉÄÖÑÜ§¿äöñüà")).toBe(true);
    expect(isGsm7("`")).toBe(false);
    expect(isGsm7("«")).toBe(false);
    // An emoji is one character on screen but two UTF-16 units on the network.
    expect(countSmsSegments("🙂")).toMatchObject({ encoding: "UCS-2", units: 2 });
  });

  it("counts emoji in UTF-16 code units, as the operator bills them: pairs, ZWJ sequences, modifiers, flags", () => {
    expect(countSmsSegments("😀").units).toBe(2);
    expect(countSmsSegments("👨‍👩‍👧").units).toBe(8); // 3 emoji (2 each) joined by two ZWJ (1 each)
    expect(countSmsSegments("👍🏽").units).toBe(4); // emoji + skin tone
    expect(countSmsSegments("🇷🇺").units).toBe(4); // two regional indicators
    expect(countSmsSegments("❤️").units).toBe(2); // U+2764 + variation selector
    // One emoji turns a Latin text into UCS-2: 68 Latin + 😀 = 70 units, one SMS; one more letter, two.
    expect(countSmsSegments(`${latin(68)}😀`)).toMatchObject({ encoding: "UCS-2", units: 70, segments: 1 });
    expect(countSmsSegments(`${latin(69)}😀`)).toMatchObject({ units: 71, segments: 2 });
  });

  it("never cuts a surrogate pair between two parts", () => {
    // 66 units then 😀 (2): it does not fit the first part's last unit, so it opens the second.
    const count = countSmsSegments(`${"я".repeat(66)}😀${"я".repeat(10)}`);
    expect(count).toMatchObject({ units: 78, segments: 2, remaining: 67 - 12 });
  });
});

describe("checkMangoLength", () => {
  it("holds an emoji text to 268 UCS-2 units: 134 emoji fit, 135 do not, and the reason says why", () => {
    expect(checkMangoLength("😀".repeat(134))).toMatchObject({ ok: true, limit: 268 });
    const over = checkMangoLength("😀".repeat(135));
    expect(over).toMatchObject({ ok: false, limit: 268, count: { units: 270 } });
    if (!over.ok) {
      expect(over.reason).toContain("270 из 268");
      expect(over.reason).toContain("эмодзи занимает 2 знака");
    }
  });

  it("accepts up to 612 Latin characters and refuses 613", () => {
    expect(checkMangoLength(latin(612))).toMatchObject({ ok: true, limit: 612 });
    const over = checkMangoLength(latin(613));
    expect(over).toMatchObject({ ok: false, limit: 612 });
    if (!over.ok)
      expect(over.reason).toBe(
        "Текст SMS длиннее, чем принимает MANGO OFFICE: 613 из 612 символов (латиница). Сократите на 1.",
      );
  });

  it("accepts up to 268 Cyrillic characters and refuses 269", () => {
    expect(checkMangoLength(cyrillic(268))).toMatchObject({ ok: true, limit: 268 });
    const over = checkMangoLength(cyrillic(269));
    expect(over).toMatchObject({ ok: false, limit: 268 });
    if (!over.ok) expect(over.reason).toContain("269 из 268");
  });

  it("holds a Latin text with one Cyrillic letter to the Cyrillic limit", () => {
    expect(checkMangoLength(`${latin(300)}ж`)).toMatchObject({ ok: false, limit: 268 });
  });

  it("counts extension characters double against the Latin limit", () => {
    expect(checkMangoLength(`${latin(610)}€`)).toMatchObject({ ok: true });
    expect(checkMangoLength(`${latin(611)}€`)).toMatchObject({ ok: false });
  });

  it("refuses an empty text", () => {
    expect(checkMangoLength("  ")).toMatchObject({ ok: false, reason: "Текст SMS пуст." });
  });
});
