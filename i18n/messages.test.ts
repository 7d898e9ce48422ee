import { describe, expect, it } from "vitest";
import { loadMessages } from "./messages";

/** Every key of one locale exists in the other: no screen falls back to a raw key. */
function keys(value: unknown, prefix = ""): string[] {
  if (!value || typeof value !== "object") return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    keys(v, prefix ? `${prefix}.${k}` : k),
  );
}

describe("messages", () => {
  it("ru and en have the same keys, namespace files included", () => {
    const ru = keys(loadMessages("ru")).sort();
    const en = keys(loadMessages("en")).sort();
    expect(ru.length).toBeGreaterThan(50);
    expect(en).toEqual(ru);
  });
});
