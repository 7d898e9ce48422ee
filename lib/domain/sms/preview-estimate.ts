import { parseMacroKey } from "./macros";
import { checkMangoLength, type MangoLengthCheck } from "./segments";

/**
 * The length of a template before any deal is chosen: each macro counted as its catalogue example
 * ("Лопаткин Василий" for `{{user.name}}`), a custom field as a typical short value. Pure and free of
 * server-only imports, so the editor counts on every keystroke with the same arithmetic `rules.save`
 * checks; the text really sent is checked again once rendered (composeSms), since a long name can still
 * push it over MANGO's limit.
 */
export const CUSTOM_FIELD_ESTIMATE = "значение поля";

const MACRO = /\{\{([^{}]*)\}\}/g;

export type TemplateEstimate = {
  /** The template with every known macro replaced by its example. */
  text: string;
  /** Macros the renderer does not know, as written. */
  unknown: string[];
  /** Braces that do not form a macro. */
  malformed: boolean;
  length: MangoLengthCheck;
};

export function estimateSmsTemplate(template: string): TemplateEstimate {
  const unknown: string[] = [];
  let malformed = false;
  let text = "";
  let last = 0;
  const plain = (s: string) => {
    if (s.includes("{{") || s.includes("}}")) malformed = true;
    text += s;
  };
  for (const m of template.matchAll(MACRO)) {
    plain(template.slice(last, m.index));
    const parsed = parseMacroKey(m[1] ?? "");
    if (parsed.kind === "fixed") text += parsed.macro.example;
    else if (parsed.kind === "customField") text += CUSTOM_FIELD_ESTIMATE;
    else {
      if (!unknown.includes(m[0])) unknown.push(m[0]);
      text += m[0];
    }
    last = m.index + m[0].length;
  }
  plain(template.slice(last));
  return { text, unknown, malformed, length: checkMangoLength(text) };
}
