import { describe, expect, it } from "vitest";
import { CUSTOM_FIELD_ESTIMATE, estimateSmsTemplate } from "./preview-estimate";

describe("estimateSmsTemplate", () => {
  it("counts each macro as its catalogue example, a custom field as a typical value", () => {
    const e = estimateSmsTemplate("Hi {{maincontact.name}}, {{lead.cf.42}} / {{ USER.PHONE }}");
    expect(e.text).toBe(`Hi Олег, ${CUSTOM_FIELD_ESTIMATE} / 100`);
    expect(e.unknown).toEqual([]);
    expect(e.malformed).toBe(false);
    expect(e.length).toMatchObject({ ok: true, limit: 268, count: { encoding: "UCS-2", segments: 1 } });
  });

  it("reports unknown macros and stray braces, and a Latin text against 612", () => {
    const e = estimateSmsTemplate("Hello {{lead.prise}} {{lead.id");
    expect(e.unknown).toEqual(["{{lead.prise}}"]);
    expect(e.malformed).toBe(true);
    expect(e.length.limit).toBe(612);
  });

  it("is over the limit once the typical values push it past MANGO's 268 Cyrillic characters", () => {
    const fits = estimateSmsTemplate(`${"я".repeat(250)}{{user.name}}`); // + «Лопаткин Василий» = 266
    expect(fits.length.ok).toBe(true);
    const over = estimateSmsTemplate(`${"я".repeat(253)}{{user.name}}`);
    expect(over.length.ok).toBe(false);
    expect(over.length.count.units).toBe(269);
  });
});
