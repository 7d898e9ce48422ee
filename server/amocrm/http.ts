// The transport under every amoCRM call: rate limit → bearer token → fetch → retry/refresh → zod.
// amoCRM semantics it encodes (reference §5): 204 = nothing found; 429 and 5xx are transient; 401 means the
// access token died (refresh once); other 4xx will not get better by retrying.
import type { z } from "zod";
import {
  AmocrmApiError,
  AmocrmNetworkError,
  AmocrmResponseError,
  parseProblem,
  parseRetryAfter,
} from "./errors";
import { type RateLimiter, sharedRateLimiter } from "./rate-limit";
import { listSchema } from "./types";

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];
export type Query = Record<string, QueryValue>;

export type AmocrmHttpOptions = {
  /** Account base URL: `https://<sub>.amocrm.ru` (or the emulator's `http://127.0.0.1:<port>/a/<sub>`). */
  baseUrl: string;
  /** The current access token; asked before every attempt so a refresh elsewhere is picked up. */
  getAccessToken: () => string | Promise<string>;
  /**
   * Called once when amoCRM answers 401, so the caller can refresh the token pair (refresh tokens are
   * single-use: the caller must serialise refreshes across processes). The request is then retried once.
   */
  onUnauthorized?: (staleToken: string) => unknown | Promise<unknown>;
  /** Defaults to the process-wide limiter of this account; `null` disables limiting (tests only). */
  rateLimiter?: RateLimiter | null;
  fetch?: typeof fetch;
  /** Retries after the first attempt on 429 / 5xx / network errors. Default 4. */
  maxRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  /** First backoff step; doubled per retry up to `maxBackoffMs`. Defaults 500 ms and 16 s. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** A Retry-After longer than this is not waited for: the error goes to the caller (a job retries later). */
  maxRetryAfterMs?: number;
  timeoutMs?: number;
};

export type AmocrmHttp = {
  readonly baseUrl: string;
  /** Parsed body, or null when amoCRM answered 204 No Content. */
  request<S extends z.ZodType>(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    path: string,
    schema: S,
    opts?: { query?: Query; body?: unknown },
  ): Promise<z.infer<S> | null>;
  /** Every item of a HAL list, page by page (limit ≤ 250), stopping after `maxPages`. */
  paginate<K extends string, T extends z.ZodType>(
    path: string,
    key: K,
    item: T,
    opts?: { query?: Query; limit?: number; maxPages?: number },
  ): AsyncGenerator<z.infer<T>>;
};

/** amoCRM's page size limit (422 above it, sample kommo-error-422-limit.json). */
export const MAX_PAGE_SIZE = 250;
/** Batch writes: ≤ 50 per request (complex leads limit; the PHP SDK's advice for all batches). */
export const MAX_BATCH_SIZE = 50;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function buildUrl(baseUrl: string, path: string, query?: Query): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, "")}${path}`);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, String(v));
    else url.searchParams.set(key, String(value));
  }
  return url.toString();
}

function summarise(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
    .join("; ");
}

export function createAmocrmHttp(opts: AmocrmHttpOptions): AmocrmHttp {
  const baseUrl = opts.baseUrl.replace(/\/+$/, "");
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? realSleep;
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const maxRetries = opts.maxRetries ?? 4;
  const baseBackoff = opts.baseBackoffMs ?? 500;
  const maxBackoff = opts.maxBackoffMs ?? 16_000;
  const maxRetryAfter = opts.maxRetryAfterMs ?? 60_000;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const limiter = opts.rateLimiter === undefined ? sharedRateLimiter(baseUrl) : opts.rateLimiter;

  /** Exponential with "equal jitter": half fixed, half random, so callers that failed together spread out. */
  const backoff = (retry: number) => {
    const step = Math.min(maxBackoff, baseBackoff * 2 ** retry);
    return step / 2 + random() * (step / 2);
  };

  // Parallel requests that all got 401 share one refresh: refresh tokens are single-use (reference §2.5).
  let refreshing: Promise<unknown> | null = null;
  async function refreshAfter401(staleToken: string): Promise<void> {
    if (!opts.onUnauthorized) return;
    if (!refreshing) {
      // Someone refreshed between our request and now: retry with the new token, no second refresh.
      if ((await opts.getAccessToken()) !== staleToken) return;
      refreshing ??= Promise.resolve(opts.onUnauthorized(staleToken)).finally(() => {
        refreshing = null;
      });
    }
    await refreshing;
  }

  async function request<S extends z.ZodType>(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    path: string,
    schema: S,
    ro: { query?: Query; body?: unknown } = {},
  ): Promise<z.infer<S> | null> {
    const url = buildUrl(baseUrl, path, ro.query);
    const body = ro.body === undefined ? undefined : JSON.stringify(ro.body);
    let retries = 0;
    let refreshed = false;
    for (;;) {
      await limiter?.take();
      const token = await opts.getAccessToken();
      let res: Response;
      try {
        res = await doFetch(url, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: "application/json",
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (cause) {
        // A POST creates something: repeat it only when it certainly never reached amoCRM.
        const unsent = neverSent(cause);
        if (retries >= maxRetries || (method === "POST" && !unsent))
          throw new AmocrmNetworkError(method, path, cause);
        await sleep(backoff(retries++));
        continue;
      }

      if (res.status === 401 && opts.onUnauthorized && !refreshed) {
        refreshed = true;
        await res.body?.cancel();
        await refreshAfter401(token);
        continue;
      }
      if (res.status === 204) return null;

      const text = await res.text();
      if (res.ok) {
        if (!text.trim()) return null;
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          throw new AmocrmResponseError(method, path, "body is not JSON");
        }
        const parsed = schema.safeParse(json);
        if (!parsed.success) throw new AmocrmResponseError(method, path, summarise(parsed.error));
        return parsed.data;
      }

      const problem = parseProblem(text);
      const retryAfterMs =
        parseRetryAfter(res.headers.get("retry-after"), now()) ??
        (problem.retryAfterSec === null ? null : problem.retryAfterSec * 1000);
      const error = new AmocrmApiError(res.status, method, path, { ...problem, retryAfterMs });
      // 429 and 503 say the request was refused, not processed; any other 5xx may hide a write that happened,
      // so a POST is not repeated on those (the job's own idempotency record decides what to redo).
      const transient = res.status === 429 || res.status === 503 || (res.status >= 500 && method !== "POST");
      if (!transient || retries >= maxRetries) throw error;
      if (retryAfterMs !== null && retryAfterMs > maxRetryAfter) throw error;
      // Honour Retry-After, plus a little jitter so a crowd of waiters does not return in the same instant.
      const delay = retryAfterMs === null ? backoff(retries) : retryAfterMs + random() * baseBackoff;
      retries++;
      await sleep(delay);
    }
  }

  async function* paginate<K extends string, T extends z.ZodType>(
    path: string,
    key: K,
    item: T,
    po: { query?: Query; limit?: number; maxPages?: number } = {},
  ): AsyncGenerator<z.infer<T>> {
    const limit = Math.min(po.limit ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    const maxPages = po.maxPages ?? 1000;
    const schema = listSchema(key, item);
    let page = 1;
    for (let fetched = 0; fetched < maxPages; fetched++) {
      const res = await request("GET", path, schema, { query: { ...po.query, page, limit } });
      if (!res) return; // 204: past the last page (or nothing at all)
      const items = (res._embedded as Record<K, z.infer<T>[]>)[key];
      yield* items;
      // We never follow the `next` href itself: it names a host, and our token goes only to `baseUrl`.
      const next = res._links?.next?.href;
      if (!next || items.length === 0) return;
      const nextPage = Number(new URL(next, baseUrl).searchParams.get("page") ?? page + 1);
      if (!Number.isInteger(nextPage) || nextPage <= page) return;
      page = nextPage;
    }
  }

  return { baseUrl, request, paginate };
}

/** Runs `write` over `items` in chunks of ≤ 50, one request after another, results in input order. */
export async function inChunks<T, R>(
  items: readonly T[],
  write: (chunk: T[]) => Promise<R[]>,
  size = MAX_BATCH_SIZE,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await write(items.slice(i, i + size))));
  return out;
}

export async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

/** Connection refused or the host unknown: the request cannot have reached amoCRM. */
function neverSent(cause: unknown): boolean {
  const codes = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"];
  let c: unknown = cause;
  for (let i = 0; i < 4 && c && typeof c === "object"; i++) {
    if (codes.includes(String((c as { code?: unknown }).code))) return true;
    c = (c as { cause?: unknown }).cause;
  }
  return false;
}
