import { describe, expect, it } from "vitest";
import { smsMacroCatalogue } from "@/lib/domain/sms/macros";
import { templateParts } from "./template-text";

/** Issue 11 §5: a saved rule's card shows macros by their labels, not their keys. */
const macros = smsMacroCatalogue({
  lead: [{ id: 42, name: "Город", type: "text", code: null, enums: [] } as never],
});

describe("templateParts", () => {
  it("turns each known macro into its label and keeps the text around it", () => {
    expect(
      templateParts("Добрый день, {{maincontact.name}}! Менеджер {{ USER.NAME }}, {{lead.cf.42}}", macros),
    ).toEqual([
      { kind: "text", text: "Добрый день, " },
      { kind: "macro", token: "{{maincontact.name}}", label: "Имя основного контакта", custom: null },
      { kind: "text", text: "! Менеджер " },
      { kind: "macro", token: "{{ USER.NAME }}", label: "Имя ответственного", custom: null },
      { kind: "text", text: ", " },
      { kind: "macro", token: "{{lead.cf.42}}", label: "Город", custom: "lead" },
    ]);
  });

  it("leaves a macro the catalogue does not have as written", () => {
    expect(templateParts("{{lead.cf.7}} {{lead.prise}}", macros)).toEqual([
      { kind: "unknown", token: "{{lead.cf.7}}" },
      { kind: "text", text: " " },
      { kind: "unknown", token: "{{lead.prise}}" },
    ]);
  });
});
