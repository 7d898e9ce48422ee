import { describe, expect, it } from "vitest";
import { FormBoundsError, MAX_FORM_DEPTH, MAX_FORM_FIELDS, parseBracketForm } from "./bracket-form";

describe("parseBracketForm on hostile bodies", () => {
  it("refuses a ~300 KB key nested 100,000 levels deep instead of exhausting the heap", () => {
    const body = `event${"[a]".repeat(100_000)}=1`;
    expect(body.length).toBeGreaterThan(300_000);
    expect(() => parseBracketForm(body)).toThrow(FormBoundsError);
    expect(() => parseBracketForm(body)).toThrow(`deeper than ${MAX_FORM_DEPTH}`);
  });

  it("accepts nesting up to the bound and builds the object", () => {
    const key = `a${"[b]".repeat(MAX_FORM_DEPTH)}`;
    let node = parseBracketForm(`${key}=x`) as Record<string, unknown>;
    node = node.a as Record<string, unknown>;
    for (let i = 1; i < MAX_FORM_DEPTH; i += 1) node = node.b as Record<string, unknown>;
    expect(node.b).toBe("x");
    expect(() => parseBracketForm(`a${"[b]".repeat(MAX_FORM_DEPTH + 1)}=x`)).toThrow(FormBoundsError);
  });

  it("refuses more fields than the bound", () => {
    const fields = Array.from({ length: MAX_FORM_FIELDS + 1 }, (_, i) => `f${i}=1`).join("&");
    expect(() => parseBracketForm(fields)).toThrow(FormBoundsError);
    const ok = Array.from({ length: MAX_FORM_FIELDS }, (_, i) => `f[${i}]=1`).join("&");
    expect(Object.keys(parseBracketForm(ok).f as object)).toHaveLength(MAX_FORM_FIELDS);
  });

  it("many deep keys of a long body stay linear: 50,000 keys of depth 3 are refused by count", () => {
    const body = Array.from({ length: 50_000 }, (_, i) => `leads[update][${i}][id]=${i}`).join("&");
    expect(() => parseBracketForm(body)).toThrow(/form fields/);
  });

  it("keeps the amoCRM shapes: nested objects, appends, malformed brackets as plain names", () => {
    expect(
      parseBracketForm("leads[status][0][id]=7&leads[status][0][old_status_id]=1&account[subdomain]=demo"),
    ).toEqual({
      leads: { status: { "0": { id: "7", old_status_id: "1" } } },
      account: { subdomain: "demo" },
    });
    expect(parseBracketForm("a[]=1&a[]=2&b[c][]=3")).toEqual({ a: ["1", "2"], b: { c: ["3"] } });
    expect(parseBracketForm("a[b=1&c]d=2&e[f]g]=3&h[i]]=4")).toEqual({
      "a[b": "1",
      "c]d": "2",
      "e[f]g]": "3",
      "h[i]]": "4",
    });
    expect(() => parseBracketForm("a[b]=1&a[b][c]=2")).toThrow(/conflicts/);
    expect(() => parseBracketForm("a[b][c]=1&a[b]=2")).toThrow(/conflicts/);
    expect(() => parseBracketForm("x[constructor][y]=1")).toThrow(/refused/);
  });
});
