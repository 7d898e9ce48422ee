/**
 * Who sent a request, as far as a bounded rejection log needs it (./rejections.ts): the last
 * `X-Forwarded-For` hop — the one our load balancer appends (next start sets it to the socket's address
 * when there is none) — else `X-Real-IP`, else "unknown". Anything that is not an IP address is "unknown":
 * the value becomes part of a counter's key and is stored.
 */
export function clientAddress(headers: Headers): string {
  const forwarded = headers
    .get("x-forwarded-for")
    ?.split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  const candidate = forwarded?.at(-1) ?? headers.get("x-real-ip")?.trim() ?? "";
  return /^[0-9a-f.:]{2,45}$/i.test(candidate) ? candidate.toLowerCase() : "unknown";
}
