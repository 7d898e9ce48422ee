// Tiny HTML helpers for the emulator's own pages (control page, read-only entity pages): no framework,
// every interpolated value goes through `esc`.
import type { Res } from "../http";

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML element content and double- or single-quoted attributes. */
export function esc(v: unknown): string {
  return String(v ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** A template tag that escapes every interpolation except `raw(...)` values (already-built HTML). */
export class Raw {
  constructor(readonly html: string) {}
}
export const raw = (html: string) => new Raw(html);

export function h(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    const part = Array.isArray(v)
      ? v.map((x) => (x instanceof Raw ? x.html : esc(x))).join("")
      : v instanceof Raw
        ? v.html
        : esc(v);
    out += part + (strings[i + 1] ?? "");
  });
  return new Raw(out);
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1f2937;background:#f6f7f9}
header{background:#1e3a5f;color:#fff;padding:10px 20px;display:flex;gap:16px;align-items:baseline;flex-wrap:wrap}
header a{color:#cfe3ff}
main{padding:16px 20px;max-width:1200px}
section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:12px 16px;margin-bottom:16px}
h1{font-size:18px;margin:0}h2{font-size:16px;margin:0 0 8px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eee;vertical-align:top}
th{font-weight:600;color:#4b5563;font-size:13px}
form.inline{display:inline-flex;gap:4px;align-items:center;margin:0}
input,select,button{font:inherit}button{cursor:pointer}
.muted{color:#6b7280}.ok{color:#047857}.bad{color:#b91c1c}
.notice{border-left:4px solid #2563eb;background:#eff6ff;padding:8px 12px;margin-bottom:16px;white-space:pre-wrap}
code,pre{font-family:ui-monospace,monospace;font-size:12px}pre{margin:0;white-space:pre-wrap;word-break:break-all}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}dt{color:#6b7280}dd{margin:0}
`;

/** A whole Russian page. */
export function page(title: string, body: Raw, status = 200): Res {
  const doc = h`<!doctype html><html lang="ru"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title>
<style>${raw(STYLE)}</style></head><body>${body}</body></html>`;
  return { status, contentType: "text/html; charset=utf-8", raw: doc.html };
}

/** "24.11.2025, 18:20" on the account's clock (its time zone; Moscow by default). */
export function when(epochSec: number | null | undefined, timeZone = "Europe/Moscow"): string {
  if (!epochSec) return "—";
  return new Date(epochSec * 1000).toLocaleString("ru-RU", {
    timeZone,
    dateStyle: "short",
    timeStyle: "short",
  });
}
