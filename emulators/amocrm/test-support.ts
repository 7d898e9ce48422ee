// Helpers for the emulator's integration tests: start on port 0, obtain tokens through the real OAuth flow,
// read reference samples leniently, compare JSON shapes recursively.
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REDIRECT_URI } from "./seed";
import { type AmocrmEmulatorOptions, type RunningAmocrmEmulator, startAmocrmEmulator } from "./server";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SAMPLES_DIR = path.resolve(repoRoot, "test/fixtures/samples/amocrm");

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

export async function call(url: string, init: RequestInit = {}): Promise<HttpResult> {
  const r = await fetch(url, { redirect: "manual", ...init });
  const text = await r.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: r.status, headers: r.headers, text, body };
}

export interface Harness {
  emu: RunningAmocrmEmulator;
  base: (sub?: string) => string;
  control: (p: string, body?: unknown, method?: string) => Promise<HttpResult>;
  /** Resets state and returns a fresh token pair for the account, obtained via code → token exchange. */
  login: (sub?: string) => Promise<{ access_token: string; refresh_token: string }>;
  api: (
    method: string,
    p: string,
    body?: unknown,
    opts?: { sub?: string; token?: string | null },
  ) => Promise<HttpResult>;
  token: string;
}

export async function startHarness(opts: AmocrmEmulatorOptions = {}): Promise<Harness> {
  const emu = await startAmocrmEmulator({ port: 0, ...opts });
  const h: Harness = {
    emu,
    token: "",
    base: (sub = "demo") => `${emu.url}/a/${sub}`,
    control: (p, body, method = "POST") =>
      call(`${emu.url}/__control${p}`, {
        method,
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    async login(sub = "demo") {
      const code = (await h.control("/oauth/code", { subdomain: sub })).body as { code: string };
      const r = await exchange(h.base(sub), { grant_type: "authorization_code", code: code.code });
      if (r.status !== 200) throw new Error(`login failed: ${r.text}`);
      const pair = r.body as { access_token: string; refresh_token: string };
      h.token = pair.access_token;
      return pair;
    },
    api: (method, p, body, opts = {}) => {
      const headers: Record<string, string> = { "content-type": "application/json" };
      const token = opts.token === undefined ? h.token : opts.token;
      if (token) headers.authorization = `Bearer ${token}`;
      return call(`${h.base(opts.sub)}${p}`, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
    },
  };
  return h;
}

export function exchange(base: string, fields: Record<string, string>): Promise<HttpResult> {
  return call(`${base}/oauth2/access_token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
      redirect_uri: DEMO_REDIRECT_URI,
      ...fields,
    }),
  });
}

/**
 * Reads a sample that may not be strict JSON (the docs publish `//` comments, trailing commas, missing
 * commas, `...` ellipses and JS object literals): strips/repairs those, then JSON.parse.
 */
export function lenientJson(raw: string): unknown {
  let out = "";
  let inStr = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (inStr) {
      out += c;
      if (c === "\\") out += raw[++i] ?? "";
      else if (c === '"') inStr = false;
    } else if (c === '"') {
      inStr = true;
      out += c;
    } else if (c === "/" && raw[i + 1] === "/") {
      while (i < raw.length && raw[i] !== "\n") i++;
      out += "\n";
    } else out += c;
  }
  out = out
    .split("\n")
    .filter((l) => l.trim() !== "..." && l.trim() !== "...,")
    .join("\n")
    .replace(/^(\s*)([A-Za-z_]\w*)\s*:/gm, '$1"$2":')
    .replace(/("|\d|true|false|null|\}|\])(\s*\n\s*")/g, "$1,$2")
    .replace(/,(\s*[}\]])/g, "$1");
  return JSON.parse(out);
}

export function readSample(name: string): string {
  return readFileSync(path.join(SAMPLES_DIR, name), "utf8");
}

export function sampleJson<T = unknown>(name: string): T {
  return lenientJson(readSample(name)) as T;
}

export interface ShapeOptions {
  /** Keys whose value may be null in the emulator although the sample shows a value (e.g. closed_at of an open deal). */
  nullable?: string[];
  /** Keys that may be absent / extra on either side (e.g. paging links next/prev/first/last). */
  optional?: string[];
}

const typeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/** Recursive "same keys and types" comparison; returns human-readable differences ([] = same shape). */
export function shapeDiff(sample: unknown, actual: unknown, opts: ShapeOptions = {}, at = "$"): string[] {
  const key =
    at
      .split(".")
      .at(-1)
      ?.replace(/\[\d+\]$/, "") ?? "";
  if (sample === null) return [];
  if (actual === null)
    return opts.nullable?.includes(key) ? [] : [`${at}: null, sample has ${typeOf(sample)}`];
  if (typeOf(sample) !== typeOf(actual)) return [`${at}: ${typeOf(actual)}, sample has ${typeOf(sample)}`];
  if (Array.isArray(sample) && Array.isArray(actual)) {
    if (sample.length === 0 || actual.length === 0) return [];
    return actual.flatMap((item, i) => {
      const tries = sample.map((s) => shapeDiff(s, item, opts, `${at}[${i}]`));
      return tries.find((t) => t.length === 0) ?? tries[0] ?? [];
    });
  }
  if (typeof sample === "object" && typeof actual === "object") {
    const s = sample as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    if (Object.keys(s).length === 0) return [];
    const diffs: string[] = [];
    for (const k of Object.keys(s)) {
      if (!(k in a)) {
        if (!opts.optional?.includes(k)) diffs.push(`${at}.${k}: missing`);
      } else diffs.push(...shapeDiff(s[k], a[k], opts, `${at}.${k}`));
    }
    for (const k of Object.keys(a))
      if (!(k in s) && !opts.optional?.includes(k)) diffs.push(`${at}.${k}: extra key`);
    return diffs;
  }
  return [];
}

/** a[b][0][c]=1 → {a:{b:{0:{c:"1"}}}} (indices stay object keys, as PHP would decode them). */
export function fromForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const parts = k.replace(/\]/g, "").split("[");
    let node = root;
    parts.forEach((p, i) => {
      if (i === parts.length - 1) node[p] = v;
      else {
        node[p] ??= {};
        node = node[p] as Record<string, unknown>;
      }
    });
  }
  return root;
}

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A throwaway HTTP receiver for webhooks/hooks the emulator sends. */
export async function startReceiver(): Promise<{ url: string; got: Received[]; close: () => Promise<void> }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      got.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    got,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
