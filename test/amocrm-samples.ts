// Test support: reads the real amoCRM samples kept in test/fixtures/samples/amocrm. Some official examples are not
// strictly valid JSON (a missing comma, trailing commas — flagged in each `.src.txt`); those small
// publication slips are repaired here, nothing else is changed.

import { readFileSync } from "node:fs";
import path from "node:path";
import { createAmocrmClient } from "@/server/amocrm/api";
import { AMOCRM_SAMPLES } from "@/test/fixtures";

export const SAMPLES_DIR = AMOCRM_SAMPLES;

export function sampleText(name: string): string {
  return readFileSync(path.join(SAMPLES_DIR, name), "utf8");
}

export function sample(name: string): unknown {
  const text = sampleText(name);
  try {
    return JSON.parse(text);
  } catch {
    const repaired = text
      .replace(/^\s*\/\/.*$/gm, "") // whole-line comments
      .replace(/,(\s*[}\]])/g, "$1") // trailing commas
      .replace(/("|\d|true|false|null)(\s*\n\s*")/g, "$1,$2"); // a missing comma between two members
    return JSON.parse(repaired);
  }
}

/** A fetch double: answers from a queue of responses (or a function), records every request. */
export type Recorded = { url: string; method: string; headers: Record<string, string>; body: unknown };

export function fakeFetch(answer: (req: Recorded, index: number) => Response | Promise<Response> | Error): {
  fetch: typeof fetch;
  calls: Recorded[];
} {
  const calls: Recorded[] = [];
  const impl = async (input: string | URL | Request, init?: RequestInit) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => {
      headers[k] = v;
    });
    const req: Recorded = {
      url: String(input),
      method: init?.method ?? "GET",
      headers,
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    };
    calls.push(req);
    const out = await answer(req, calls.length - 1);
    if (out instanceof Error) throw out;
    return out;
  };
  return { fetch: impl as typeof fetch, calls };
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  if (status === 204) return new Response(null, { status, headers });
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": status >= 400 ? "application/problem+json" : "application/hal+json",
      ...headers,
    },
  });
}

export const BASE = "https://example.amocrm.ru";

/** A client with no real waiting: sleeps are recorded, randomness fixed. */
export function setup(
  answer: Parameters<typeof fakeFetch>[0],
  extra: Partial<Parameters<typeof createAmocrmClient>[0]> = {},
) {
  const f = fakeFetch(answer);
  const sleeps: number[] = [];
  const client = createAmocrmClient({
    baseUrl: BASE,
    getAccessToken: () => "token-1",
    rateLimiter: null,
    fetch: f.fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0,
    now: () => 1_700_000_000_000,
    ...extra,
  });
  return { client, calls: f.calls, sleeps };
}

export const pipelines = () => jsonResponse(200, sample("pipelines-list-response.json"));
