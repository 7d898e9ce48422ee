import { describe, expect, it } from "vitest";
import { loadMessages } from "@/i18n/messages";
import { jobDefinitions } from "@/inngest/registry";

/** The journal names every job in both languages (looked up as components/journal/status.tsx does). */
function label(messages: Record<string, unknown>, kind: string): unknown {
  const key = kind.replace(/[/-]/g, "_");
  let node: unknown = (messages.journal as { kinds: unknown }).kinds;
  for (const part of key.split(".")) node = (node as Record<string, unknown> | undefined)?.[part];
  return node;
}

describe("journal kind labels", () => {
  for (const locale of ["ru", "en"] as const) {
    it(`every job and the main MANGO events have a ${locale} label`, () => {
      const messages = loadMessages(locale);
      const kinds = [
        ...jobDefinitions.map((d) => d.id),
        "mango.events/call",
        "mango.events/summary",
        "mango.events/recording",
        "mango.result/sms",
      ];
      for (const kind of kinds) expect(typeof label(messages, kind), kind).toBe("string");
    });
  }
});
