// Small HTTP helpers shared by all handlers: the response value type, HAL envelopes, paging, filter parsing.
import type { IncomingMessage } from "node:http";
import { fail } from "./errors";

/** A handler's answer; the server serialises it (JSON unless `raw` is given). */
export interface Res {
  status: number;
  contentType?: string;
  headers?: Record<string, string>;
  body?: unknown;
  raw?: string | Buffer;
}

export interface Req {
  method: string;
  url: URL;
  /** Path relative to the account root for /a/<sub>/… routes, otherwise the full path. */
  path: string;
  headers: IncomingMessage["headers"];
  rawBody: string;
}

export const HAL = "application/hal+json";

export function hal(body: unknown, status = 200): Res {
  return { status, contentType: HAL, body };
}

export function json(body: unknown, status = 200): Res {
  return { status, contentType: "application/json", body };
}

/** amoCRM answers "nothing found" (lists and unknown ids) with 204 and an empty body. */
export function noContent(): Res {
  return { status: 204 };
}

export function html(body: string, status = 200): Res {
  return { status, contentType: "text/html; charset=utf-8", raw: body };
}

export function link(href: string): { href: string } {
  return { href };
}

export async function readBody(req: IncomingMessage, limit = 5_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) break;
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses a JSON request body the way amoCRM does: blank → 400 "cannot be blank", bad JSON → 400. */
export function jsonBody(req: Req): unknown {
  if (req.rawBody.trim() === "") fail(400, "Request body must not be blank");
  try {
    return JSON.parse(req.rawBody);
  } catch {
    fail(400, "Request body is not valid JSON");
  }
}

/** Batch endpoints take an array; PATCH /x/{id} takes one object. */
export function arrayBody(req: Req): unknown[] {
  const body = jsonBody(req);
  if (!Array.isArray(body)) fail(400, "Request body must be an array");
  if (body.length === 0) fail(400, "Request body must not be blank");
  return body;
}

export interface Page {
  page: number;
  limit: number;
}

/** `limit` max 250 (422 above it, sample kommo-error-422-limit.json), default 50, `page` 1-based. */
export function pageParams(url: URL): Page {
  const limit = Number(url.searchParams.get("limit") ?? "50");
  const page = Number(url.searchParams.get("page") ?? "1");
  if (!Number.isInteger(limit) || limit < 1) fail(400, "limit must be a positive integer");
  if (limit > 250) fail(422, "Limit of 250 per page");
  if (!Number.isInteger(page) || page < 1) fail(400, "page must be a positive integer");
  return { page, limit };
}

/**
 * HAL list envelope `{_page,_links{self,next?,first?,prev?},_embedded{<key>:[…]}}`;
 * 204 when the page is empty (reference §5 "Empty result").
 */
export function halList<T>(
  base: string,
  url: URL,
  key: string,
  items: T[],
  render: (item: T) => unknown,
  opts: { totals?: boolean } = {},
): Res {
  const { page, limit } = pageParams(url);
  const slice = items.slice((page - 1) * limit, page * limit);
  if (slice.length === 0) return noContent();
  const pageCount = Math.max(1, Math.ceil(items.length / limit));
  const href = (p: number) => {
    const sp = new URLSearchParams(url.searchParams);
    sp.set("page", String(p));
    sp.set("limit", String(limit));
    return `${base}${url.pathname.replace(/^\/a\/[^/]+/, "")}?${decodeURIComponent(sp.toString())}`;
  };
  const links: Record<string, { href: string }> = { self: link(href(page)) };
  if (page * limit < items.length) links.next = link(href(page + 1));
  if (page > 1) {
    links.first = link(href(1));
    links.prev = link(href(page - 1));
  }
  if (opts.totals && pageCount > 1) links.last = link(href(pageCount));
  const body: Record<string, unknown> = {};
  if (opts.totals) {
    body._total_items = slice.length;
    body._page = page;
    body._page_count = pageCount;
  } else {
    body._page = page;
  }
  body._links = links;
  body._embedded = { [key]: slice.map(render) };
  return hal(body);
}

/** Values of `filter[name]`, `filter[name][]`, `filter[name][0]` (amoCRM accepts all three). */
export function filterValues(url: URL, name: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`^filter\\[${name.replace(/[[\]]/g, "\\$&")}\\](\\[\\d*\\])?$`);
  for (const [k, v] of url.searchParams) if (re.test(k)) out.push(...v.split(","));
  return out;
}

export function withParams(url: URL): Set<string> {
  return new Set((url.searchParams.get("with") ?? "").split(",").filter(Boolean));
}

export function intParam(raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n)) fail(404, "Not found");
  return n;
}
