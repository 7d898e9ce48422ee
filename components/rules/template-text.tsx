"use client";

import { useTranslations } from "next-intl";
import { parseMacroKey } from "@/lib/domain/sms/macros";
import type { MacroGroup } from "./types";

/**
 * A saved template as a person reads it: each macro shown by its label from the editor's catalogue
 * («Имя основного контакта» for `{{maincontact.name}}`, «Сделка: Город» for a deal field), the text around
 * it as written. A macro the catalogue does not have (a deleted field, a typo) stays as written.
 */

export type TemplatePart =
  | { kind: "text"; text: string }
  | { kind: "macro"; token: string; label: string; custom: "lead" | "maincontact" | null }
  | { kind: "unknown"; token: string };

const MACRO = /\{\{([^{}]*)\}\}/g;

export function templateParts(template: string, macros: readonly MacroGroup[]): TemplatePart[] {
  const byKey = new Map(macros.flatMap((g) => g.macros.map((m) => [m.key, { ...m, group: g.group }])));
  const parts: TemplatePart[] = [];
  const text = (s: string) => {
    if (s) parts.push({ kind: "text", text: s });
  };
  let last = 0;
  for (const m of template.matchAll(MACRO)) {
    text(template.slice(last, m.index));
    const parsed = parseMacroKey(m[1] ?? "");
    const known = parsed.kind === "unknown" ? undefined : byKey.get(parsed.key);
    if (known)
      parts.push({
        kind: "macro",
        token: m[0],
        label: known.label,
        custom: parsed.kind === "customField" ? parsed.entity : null,
      });
    else parts.push({ kind: "unknown", token: m[0] });
    last = m.index + m[0].length;
  }
  text(template.slice(last));
  return parts;
}

export function TemplateText({ template, macros }: { template: string; macros: readonly MacroGroup[] }) {
  const t = useTranslations("rules.form");
  return (
    <>
      {templateParts(template, macros).map((part, i) =>
        part.kind === "text" ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts of one fixed string, never reordered
          <span key={i}>{part.text}</span>
        ) : (
          <span
            // biome-ignore lint/suspicious/noArrayIndexKey: parts of one fixed string, never reordered
            key={i}
            title={part.token}
            data-testid="macro-chip"
            data-token={part.token}
            className={
              part.kind === "macro"
                ? "mx-0.5 rounded-full border bg-muted px-1.5 py-px text-xs whitespace-nowrap text-foreground"
                : "mx-0.5 rounded-full border border-dashed px-1.5 py-px font-mono text-xs text-muted-foreground"
            }
          >
            {part.kind === "unknown"
              ? part.token
              : part.custom === "lead"
                ? t("macroLead", { label: part.label })
                : part.custom === "maincontact"
                  ? t("macroContact", { label: part.label })
                  : part.label}
          </span>
        ),
      )}
    </>
  );
}
