import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { BASE, fakeFetch, jsonResponse, pipelines, sample, setup } from "@/test/amocrm-samples";
import { AmocrmApiError, AmocrmNetworkError, AmocrmResponseError } from "./errors";
import { createAmocrmHttp } from "./http";

describe("retries", () => {
  it("waits as long as Retry-After says on 429, then succeeds", async () => {
    const { client, calls, sleeps } = setup((_, i) =>
      i === 0 ? jsonResponse(429, sample("kommo-error-429.json"), { "retry-after": "2" }) : pipelines(),
    );
    const list = await client.listPipelines();
    expect(list[0]?.id).toBe(3177727);
    expect(calls).toHaveLength(2);
    expect(sleeps).toEqual([2000]);
  });

  it("falls back to the body's retry_after when there is no header, and gives up if it is too long", async () => {
    const short = setup((_, i) =>
      i === 0 ? jsonResponse(429, { title: "Too Many Requests", retry_after: 3 }) : pipelines(),
    );
    await short.client.listPipelines();
    expect(short.sleeps).toEqual([3000]);

    // Kommo's sample asks for 300 s: a job should rather retry later than hold a worker for 5 minutes.
    const long = setup(() => jsonResponse(429, sample("kommo-error-429.json")));
    const err = await long.client.listPipelines().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmocrmApiError);
    expect(err).toMatchObject({ status: 429, kind: "rate_limited", retryable: true, retryAfterMs: 300_000 });
    expect(long.calls).toHaveLength(1);
  });

  it("backs off exponentially on 5xx and network errors, then succeeds", async () => {
    const { client, calls, sleeps } = setup((_, i) => {
      if (i === 0) return jsonResponse(500, sample("kommo-error-500.json"));
      if (i === 1) return new TypeError("fetch failed");
      if (i === 2) return jsonResponse(503, {});
      return pipelines();
    });
    await client.listPipelines();
    expect(calls).toHaveLength(4);
    // random() = 0 → the fixed half of 500·2^n
    expect(sleeps).toEqual([250, 500, 1000]);
  });

  it("never repeats a POST that may have been processed; repeats one that was refused or never sent", async () => {
    const ambiguous = setup(() => jsonResponse(500, sample("kommo-error-500.json")));
    await expect(
      ambiguous.client.http.request("POST", "/api/v4/tasks", z.unknown(), { body: [{}] }),
    ).rejects.toMatchObject({
      status: 500,
    });
    expect(ambiguous.calls).toHaveLength(1);

    const timedOut = setup(() => new TypeError("fetch failed", { cause: { code: "UND_ERR_SOCKET" } }));
    await expect(
      timedOut.client.http.request("POST", "/api/v4/tasks", z.unknown(), { body: [{}] }),
    ).rejects.toBeInstanceOf(AmocrmNetworkError);
    expect(timedOut.calls).toHaveLength(1);

    const refused = setup((_, i) =>
      i === 0
        ? jsonResponse(503, {})
        : i === 1
          ? new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } })
          : jsonResponse(200, { ok: true }),
    );
    await refused.client.http.request("POST", "/api/v4/tasks", z.unknown(), { body: [{}] });
    expect(refused.calls).toHaveLength(3);
  });

  it("spreads retries with jitter within [step/2, step]", async () => {
    const { client, sleeps } = setup((_, i) => (i < 2 ? jsonResponse(502, {}) : pipelines()), {
      random: () => 0.999,
    });
    await client.listPipelines();
    expect(sleeps[0]).toBeGreaterThan(490);
    expect(sleeps[0]).toBeLessThanOrEqual(500);
    expect(sleeps[1]).toBeGreaterThan(990);
    expect(sleeps[1]).toBeLessThanOrEqual(1000);
  });

  it("stops after maxRetries with a typed error", async () => {
    const server = setup(() => jsonResponse(500, sample("kommo-error-500.json")), { maxRetries: 2 });
    const err = await server.client.listPipelines().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 500, kind: "server", retryable: true, title: "ErrInternalServer" });
    expect(server.calls).toHaveLength(3);

    const net = setup(() => new TypeError("fetch failed"), { maxRetries: 1 });
    await expect(net.client.listPipelines()).rejects.toBeInstanceOf(AmocrmNetworkError);
    expect(net.calls).toHaveLength(2);
  });

  it("fails fast on other 4xx and keeps the problem+json detail and validation errors", async () => {
    const { client, calls } = setup(() => jsonResponse(400, sample("validation-error-400.json")));
    const err = await client.createLeads([{ name: "x" }]).catch((e: unknown) => e);
    expect(calls).toHaveLength(1);
    expect(err).toBeInstanceOf(AmocrmApiError);
    const e = err as AmocrmApiError;
    expect(e).toMatchObject({
      status: 400,
      kind: "validation",
      retryable: false,
      detail: "Request validation failed",
    });
    expect(e.validationErrors).toEqual([
      {
        requestId: "0",
        errors: [
          {
            code: "NotSupportedChoice",
            path: "custom_fields_values.0.field_id",
            detail: "The value you selected is not a valid choice.",
          },
        ],
      },
    ]);

    for (const [file, kind] of [
      ["kommo-error-402.json", "payment_required"],
      ["kommo-error-404.json", "not_found"],
      ["kommo-error-422-limit.json", "bad_request"],
    ] as const) {
      const body = sample(file) as { status: number };
      const one = setup(() => jsonResponse(body.status, body));
      await expect(one.client.listPipelines()).rejects.toMatchObject({ kind, status: body.status });
      expect(one.calls).toHaveLength(1);
    }
  });

  it("refuses a 2xx body that does not match the documented shape", async () => {
    const { client } = setup(() => jsonResponse(200, { _embedded: { pipelines: [{ id: "x" }] } }));
    await expect(client.listPipelines()).rejects.toBeInstanceOf(AmocrmResponseError);
  });
});

describe("401 → refresh once", () => {
  it("calls onUnauthorized once and retries with the new token", async () => {
    let token = "old";
    const onUnauthorized = vi.fn(async () => {
      token = "new";
    });
    const { client, calls } = setup(
      (req) =>
        req.headers.authorization === "Bearer new"
          ? pipelines()
          : jsonResponse(401, sample("kommo-error-401.json")),
      { getAccessToken: () => token, onUnauthorized },
    );
    await client.listPipelines();
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(calls.map((c) => c.headers.authorization)).toEqual(["Bearer old", "Bearer new"]);
  });

  it("gives up with `unauthorized` when the refreshed token is refused too", async () => {
    const onUnauthorized = vi.fn(async () => {});
    const { client, calls } = setup(() => jsonResponse(401, sample("kommo-error-401.json")), {
      onUnauthorized,
    });
    await expect(client.listPipelines()).rejects.toMatchObject({
      status: 401,
      kind: "unauthorized",
      retryable: false,
    });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(calls).toHaveLength(2);
  });

  it("shares one refresh among parallel requests (refresh tokens are single-use)", async () => {
    let token = "old";
    const onUnauthorized = vi.fn(async () => {
      await new Promise((r) => setTimeout(r, 5));
      token = "new";
    });
    const { client } = setup(
      (req) => (req.headers.authorization === "Bearer new" ? pipelines() : jsonResponse(401, {})),
      { getAccessToken: () => token, onUnauthorized },
    );
    await Promise.all(Array.from({ length: 5 }, () => client.listPipelines()));
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });
});

describe("transport details", () => {
  it("sends the bearer token and JSON, and takes a rate-limit token per attempt", async () => {
    const take = vi.fn(async () => {});
    const f = fakeFetch((_, i) => (i === 0 ? jsonResponse(503, {}) : jsonResponse(200, { ok: true })));
    const http = createAmocrmHttp({
      baseUrl: `${BASE}/`,
      getAccessToken: async () => "abc",
      fetch: f.fetch,
      rateLimiter: { take, requestsPerSecond: 7 },
      sleep: async () => {},
    });
    const out = await http.request("POST", "/api/v4/x", z.object({ ok: z.boolean() }), { body: [{ a: 1 }] });
    expect(out).toEqual({ ok: true });
    expect(take).toHaveBeenCalledTimes(2);
    expect(f.calls[0]).toMatchObject({
      url: `${BASE}/api/v4/x`,
      method: "POST",
      headers: { authorization: "Bearer abc", "content-type": "application/json" },
      body: [{ a: 1 }],
    });
  });
});
