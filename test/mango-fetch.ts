import type { FetchLike } from "@/server/mango/http";
import { SAMPLES_ROOT } from "@/test/fixtures";

/** Test helpers for the MANGO client: a scripted fetch that records what was sent, and sample paths. */

export const SAMPLES_DIR = SAMPLES_ROOT;

export type SentRequest = {
  url: string;
  form: Record<string, string>;
  /** The parsed `json` form field. */
  payload: unknown;
};

export type ScriptedReply =
  | { status: number; json?: unknown; text?: string; headers?: Record<string, string> }
  | { throw: unknown };

/** A fetch that answers from a script (the last entry repeats) and records every request. */
export function scriptedFetch(script: ScriptedReply[]): { fetch: FetchLike; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  let i = 0;
  const fetch: FetchLike = async (url, init) => {
    const form = Object.fromEntries(new URLSearchParams(String(init.body ?? "")));
    sent.push({ url, form, payload: form.json ? JSON.parse(form.json) : undefined });
    const reply = script[Math.min(i, script.length - 1)];
    i += 1;
    if (!reply) throw new Error("empty script");
    if ("throw" in reply) throw reply.throw;
    const body = reply.text ?? (reply.json === undefined ? "" : JSON.stringify(reply.json));
    return new Response(body === "" || reply.status === 204 ? null : body, {
      status: reply.status,
      headers: { "content-type": "application/json", ...reply.headers },
    });
  };
  return { fetch, sent };
}

/** An error shaped like undici's "fetch failed" with a socket error code as its cause. */
export function networkError(code: string): Error {
  const cause = Object.assign(new Error(`connect ${code}`), { code });
  return new TypeError("fetch failed", { cause });
}

export const noSleep = () => {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
    },
  };
};
