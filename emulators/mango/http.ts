import type { IncomingMessage, ServerResponse } from "node:http";

/** Body cap: MANGO requests are small; a cap stops a broken client from exhausting test memory. */
const MAX_BODY = 2 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY) throw new Error("body too large");
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/**
 * Form fields from either urlencoded (what the docs and MANGO's own examples send) or multipart/form-data
 * (which a popular Node client sends and reportedly works — so we accept it too).
 */
export function parseForm(contentType: string | undefined, body: Buffer): Record<string, string> {
  const ct = (contentType ?? "").toLowerCase();
  if (ct.startsWith("multipart/form-data")) return parseMultipart(contentType ?? "", body);
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body.toString("utf8"))) out[k] = v;
  return out;
}

function parseMultipart(contentType: string, body: Buffer): Record<string, string> {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  const out: Record<string, string> = {};
  if (!boundary) return out;
  for (const part of body.toString("utf8").split(`--${boundary}`)) {
    const idx = part.indexOf("\r\n\r\n");
    if (idx < 0) continue;
    const head = part.slice(0, idx);
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (!name) continue;
    out[name] = part.slice(idx + 4).replace(/\r\n$/, "");
  }
  return out;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType = "text/plain; charset=utf-8",
): void {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, headers);
  res.end();
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
