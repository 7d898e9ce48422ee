import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Test helpers for the MANGO emulator's integration tests. Deliberately independent of the emulator's own
 * code: signatures are computed here with node:crypto, webhooks are received by a plain node:http server.
 */

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const samplesRoot = path.resolve(repoRoot, "test/fixtures/samples");

export const DEMO = { key: "demo-vpbx-key", salt: "demo-vpbx-salt" };
export const OTHER = { key: "other-vpbx-key", salt: "other-vpbx-salt" };

export function sha256Sign(key: string, json: string, salt: string): string {
  return createHash("sha256")
    .update(key + json + salt, "utf8")
    .digest("hex");
}

export interface ApiResult {
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
}

export interface Creds {
  key: string;
  salt: string;
}

/** POST a signed MANGO request: form fields vpbx_api_key, sign, json. */
export async function mangoPost(
  baseUrl: string,
  method: string,
  payload: unknown,
  creds: Creds = DEMO,
  opts: { base?: "vpbx" | "cc"; signWith?: Creds } = {},
): Promise<ApiResult> {
  const json = typeof payload === "string" ? payload : JSON.stringify(payload);
  const signer = opts.signWith ?? creds;
  const res = await fetch(`${baseUrl}/${opts.base ?? "vpbx"}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      vpbx_api_key: creds.key,
      sign: sha256Sign(signer.key, json, signer.salt),
      json,
    }),
    redirect: "manual",
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: res.status, body, text, headers: res.headers };
}

export async function control(
  baseUrl: string,
  p: string,
  body?: unknown,
  method?: string,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${baseUrl}/__control/${p}`, {
    method: method ?? (body === undefined ? "GET" : "POST"),
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`control ${p} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Advance the emulator clock and wait until every webhook it triggered has been delivered. */
export async function advance(baseUrl: string, ms: number): Promise<void> {
  await control(baseUrl, "clock", { advance: ms });
  await control(baseUrl, "deliveries?wait=1");
}

export interface Received {
  path: string;
  form: Record<string, string>;
  json: Record<string, unknown>;
}

export interface Receiver {
  url: string;
  events: Received[];
  /** Decide the HTTP status per request (default 200). */
  respond: (r: Received, attempt: number) => number;
  of(p: string): Array<Record<string, unknown>>;
  waitFor(pred: (events: Received[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const counts = new Map<string, number>();
  const receiver: Receiver = {
    url: "",
    events: [],
    respond: () => 200,
    of: (p) => receiver.events.filter((e) => e.path === p).map((e) => e.json),
    waitFor: async (pred, timeoutMs = 5000) => {
      const until = Date.now() + timeoutMs;
      while (!pred(receiver.events)) {
        if (Date.now() > until)
          throw new Error(`receiver timeout; got ${receiver.events.map((e) => e.path).join(", ")}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      raw += c;
    });
    req.on("end", () => {
      const form = Object.fromEntries(new URLSearchParams(raw));
      const p = (req.url ?? "").replace(/^\/hook\//, "");
      const rec: Received = { path: p, form, json: JSON.parse(form.json ?? "{}") as Record<string, unknown> };
      const n = (counts.get(raw) ?? 0) + 1;
      counts.set(raw, n);
      const status = receiver.respond(rec, n);
      if (status >= 200 && status < 300) receiver.events.push(rec);
      res.writeHead(status);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}

/**
 * Recursive shape comparison: same keys and same value kinds, field by field. Two deliberate leniencies,
 * both grounded in the reference: (1) a number and a numeric string are the same kind — MANGO's own
 * examples print the same field both ways ("seq":"1" vs 1, "result":"1000" vs 1000) and the reference says
 * to emit ints; (2) null matches any kind — the examples show the same field as null and as a value
 * (mobile, trunk_number_id, schema_id). Arrays: every actual element must match some sample element.
 */
export function shapeDiff(sample: unknown, actual: unknown, at = "$", allowExtra: string[] = []): string[] {
  const kind = (v: unknown): string => {
    if (v === null || v === undefined) return "null";
    if (Array.isArray(v)) return "array";
    return typeof v;
  };
  const numericString = (v: unknown) => typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v);
  const ks = kind(sample);
  const ka = kind(actual);
  if (ks === "null" || ka === "null") return [];
  const lenient = (ks === "number" && numericString(actual)) || (ka === "number" && numericString(sample));
  if (ks !== ka && !lenient)
    return [`${at}: expected ${ks}, got ${ka} (${JSON.stringify(actual)?.slice(0, 60)})`];
  if (ks === "array") {
    const s = sample as unknown[];
    const a = actual as unknown[];
    if (s.length === 0) return [];
    const out: string[] = [];
    a.forEach((el, i) => {
      const diffs = s.map((se) => shapeDiff(se, el, `${at}[${i}]`, allowExtra));
      const best = diffs.reduce((m, d) => (d.length < m.length ? d : m));
      out.push(...best);
    });
    return out;
  }
  if (ks === "object") {
    const s = sample as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const out: string[] = [];
    for (const k of Object.keys(s)) {
      if (k.startsWith("_")) continue; // research annotations such as "_path" / "_transport"
      if (!(k in a)) out.push(`${at}.${k}: missing`);
      else out.push(...shapeDiff(s[k], a[k], `${at}.${k}`, allowExtra));
    }
    for (const k of Object.keys(a)) {
      if (!(k in s) && !allowExtra.includes(`${at}.${k}`.replace(/\[\d+\]/g, "[]")))
        out.push(`${at}.${k}: not in sample`);
    }
    return out;
  }
  return [];
}
