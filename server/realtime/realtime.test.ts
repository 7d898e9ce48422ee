import { describe, expect, it } from "vitest";
import { createHub } from "./hub";
import { processHub } from "./process-hub";
import { sseFrame, sseResponse } from "./sse";
import { readStreamTicket, STREAM_TICKET_TTL_SEC, signStreamTicket } from "./ticket";

const T1 = "11111111-1111-4111-8111-111111111111";
const T2 = "22222222-2222-4222-8222-222222222222";

describe("the per-user hub", () => {
  it("delivers only to the channel of that tenant and user", () => {
    const hub = createHub<string>();
    const got: Record<string, string[]> = { a: [], b: [], otherTenant: [] };
    hub.subscribe({ tenantId: T1, amoUserId: 1 }, (m) => got.a!.push(m));
    hub.subscribe({ tenantId: T1, amoUserId: 2 }, (m) => got.b!.push(m));
    hub.subscribe({ tenantId: T2, amoUserId: 1 }, (m) => got.otherTenant!.push(m));
    expect(hub.publish({ tenantId: T1, amoUserId: 1 }, "card")).toBe(1);
    expect(got).toEqual({ a: ["card"], b: [], otherTenant: [] });
  });

  it("reaches every tab of the user, and none after they unsubscribe", () => {
    const hub = createHub<number>();
    const key = { tenantId: T1, amoUserId: 7 };
    const seen: number[] = [];
    const listener = (m: number) => seen.push(m);
    const off1 = hub.subscribe(key, listener);
    const off2 = hub.subscribe(key, listener);
    expect(hub.publish(key, 1)).toBe(2);
    off1();
    expect(hub.subscribers(key)).toBe(1);
    off2();
    expect(hub.publish(key, 2)).toBe(0);
    expect(seen).toEqual([1, 1]);
  });

  it("keeps delivering to other tabs when one listener throws", () => {
    const hub = createHub<string>();
    const key = { tenantId: T1, amoUserId: 3 };
    const seen: string[] = [];
    hub.subscribe(key, () => {
      throw new Error("closed stream");
    });
    hub.subscribe(key, (m) => seen.push(m));
    expect(hub.publish(key, "x")).toBe(1);
    expect(seen).toEqual(["x"]);
  });

  it("is one hub per name in the process, whichever module copy asks", () => {
    expect(processHub("test-shared")).toBe(processHub("test-shared"));
    expect(processHub("test-shared")).not.toBe(processHub("test-other"));
  });
});

describe("server-sent events", () => {
  it("frames an event with JSON data", () => {
    expect(sseFrame("card", { a: 1 })).toBe('event: card\ndata: {"a":1}\n\n');
  });

  it("streams what is sent and cleans up when the client goes away", async () => {
    const abort = new AbortController();
    let cleaned = 0;
    const res = sseResponse(
      (sink) => {
        sink.send("ready", { ok: true });
        return () => cleaned++;
      },
      { signal: abort.signal },
    );
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    let text = "";
    while (!text.includes("event: ready")) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('data: {"ok":true}');
    abort.abort();
    expect((await reader.read()).done).toBe(true);
    expect(cleaned).toBe(1);
  });
});

describe("stream tickets", () => {
  const authSecret = "test-secret-with-enough-length-0123456789";
  it("carry the tenant and user, and expire after a minute", async () => {
    const now = new Date("2026-11-25T12:00:00Z");
    const ticket = await signStreamTicket({ tenantId: T1, amoUserId: 8238874 }, { authSecret, now });
    expect(await readStreamTicket(ticket, { authSecret, now })).toEqual({ tenantId: T1, amoUserId: 8238874 });
    const later = new Date(now.getTime() + (STREAM_TICKET_TTL_SEC + 1) * 1000);
    expect(await readStreamTicket(ticket, { authSecret, now: later })).toBeNull();
  });

  it("refuse another secret, a forged ticket, and nothing", async () => {
    const ticket = await signStreamTicket({ tenantId: T1, amoUserId: 1 }, { authSecret });
    expect(await readStreamTicket(ticket, { authSecret: `${authSecret}x` })).toBeNull();
    expect(await readStreamTicket("e30.e30.forged", { authSecret })).toBeNull();
    expect(await readStreamTicket(null, { authSecret })).toBeNull();
  });
});
