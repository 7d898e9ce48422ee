// Outbound requests amoCRM makes (DP widget webhooks, account webhooks, disconnect hook), recorded for the
// control API. Bracket-notation form encoding is what amoCRM really posts (reference §7, §4.3).
import type { Delivery, Emu } from "./context";

/** {a:{b:[{c:1}]}} → a[b][0][c]=1 ; every scalar becomes a string, null → "". */
export function toForm(value: unknown, prefix = "", out = new URLSearchParams()): URLSearchParams {
  if (value === null || value === undefined) {
    if (prefix) out.append(prefix, "");
    return out;
  }
  if (typeof value === "object") {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : Object.entries(value);
    for (const [k, v] of entries) toForm(v, prefix ? `${prefix}[${k}]` : k, out);
    return out;
  }
  out.append(prefix, typeof value === "boolean" ? (value ? "1" : "0") : String(value));
  return out;
}

/** Sends and records one delivery; never throws (a dead receiver must not break the API call). */
export function deliver(
  emu: Emu,
  kind: Delivery["kind"],
  url: string,
  init: { method?: string; contentType?: string; body?: string; timeoutMs?: number },
): Promise<Delivery> {
  const d: Delivery = {
    seq: emu.deliveries.length + 1,
    at: emu.clock.nowSec(),
    kind,
    url,
    method: init.method ?? "POST",
    contentType: init.contentType ?? null,
    body: init.body ?? "",
    status: null,
    error: null,
  };
  emu.deliveries.push(d);
  const headers: Record<string, string> = { "user-agent": "amoCRM-Webhooks/3.0 (emulator)" };
  if (init.contentType) headers["content-type"] = init.contentType;
  const p = fetch(url, {
    method: d.method,
    headers,
    body: d.method === "GET" ? undefined : d.body,
    // amoCRM waits 2 s for account webhooks and 3 s for install hooks; we allow a little more.
    signal: AbortSignal.timeout(init.timeoutMs ?? 5000),
  })
    .then(async (r) => {
      d.status = r.status;
      await r.arrayBuffer().catch(() => undefined);
      return d;
    })
    .catch((e: unknown) => {
      d.error = e instanceof Error ? e.message : String(e);
      return d;
    });
  emu.pending.add(p);
  void p.finally(() => emu.pending.delete(p));
  return p;
}

export async function settle(emu: Emu): Promise<void> {
  while (emu.pending.size > 0) await Promise.allSettled([...emu.pending]);
}
