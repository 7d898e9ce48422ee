import { describe, expect, it } from "vitest";
import { networkError, noSleep, type ScriptedReply, scriptedFetch } from "@/test/mango-fetch";
import { createMangoClient } from "./api";
import {
  MangoAuthError,
  MangoLockedOutError,
  MangoProtocolError,
  MangoRateLimitError,
  MangoServerError,
  MangoSignatureError,
  MangoUnavailableError,
} from "./errors";
import { wasNeverSent } from "./http";
import { sign } from "./sign";

const USERS = { users: [{ general: { name: "Иван" }, telephony: { extension: "101", numbers: [] } }] };
const ACK = { status: 200, json: { result: 1000 } } as const;

function client(script: ScriptedReply[], maxRetries = 3) {
  const { fetch, sent } = scriptedFetch(script);
  const { sleep, waits } = noSleep();
  const c = createMangoClient({
    baseUrl: "https://mango.test/vpbx/",
    apiKey: "key",
    salt: "salt",
    fetch,
    sleep,
    maxRetries,
    random: () => 0.5,
  });
  return { c, sent, waits };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );

const callback = { commandId: "job-1", fromExtension: "101", toNumber: "+79991234567" };

describe("the signed request", () => {
  it("posts vpbx_api_key, sign and json, signed over the exact json sent", async () => {
    const { c, sent } = client([{ status: 200, json: USERS }]);
    await c.getUsers();
    const [req] = sent;
    expect(req?.url).toBe("https://mango.test/vpbx/config/users/request");
    expect(Object.keys(req?.form ?? {}).sort()).toEqual(["json", "sign", "vpbx_api_key"]);
    expect(req?.form.vpbx_api_key).toBe("key");
    expect(req?.form.sign).toBe(sign("key", req?.form.json ?? "", "salt"));
  });
});

describe("retries of reads", () => {
  it("repeats 5xx, 429 and network failures, then succeeds", async () => {
    const { c, sent, waits } = client([
      { throw: networkError("ECONNRESET") },
      { status: 503 },
      {
        status: 429,
        json: { name: "Service Unavailable", message: "Rate limit exceeded.", code: 0, status: 429 },
      },
      { status: 200, json: USERS },
    ]);
    const users = await c.getUsers();
    expect(users[0]?.extension).toBe("101");
    expect(sent).toHaveLength(4);
    expect(waits).toHaveLength(3);
    // Back-off grows; a rate-limited read waits at least the 2 s MANGO allows for config/users/request.
    expect(waits[0]).toBe(750);
    expect(waits[1]).toBe(1500);
    expect(waits[2]).toBeGreaterThanOrEqual(2000);
  });

  it("honours Retry-After", async () => {
    const { c, waits } = client([
      { status: 429, headers: { "retry-after": "7" } },
      { status: 200, json: USERS },
    ]);
    await c.getUsers();
    expect(waits).toEqual([7000]);
  });

  it("leaves a far Retry-After to the job scheduler instead of waiting in the call", async () => {
    const { c, sent, waits } = client([
      { status: 429, headers: { "retry-after": "120" } },
      { status: 200, json: USERS },
    ]);
    const err = await failure(c.getUsers());
    expect(err).toBeInstanceOf(MangoRateLimitError);
    expect((err as MangoRateLimitError).retryAfterMs).toBe(120_000);
    expect(sent).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("gives up after maxRetries with the last typed error", async () => {
    const { c, sent } = client([{ status: 500, json: { result: 5000 } }], 2);
    const err = await failure(c.getUsers());
    expect(err).toBeInstanceOf(MangoServerError);
    expect(sent).toHaveLength(3);
  });

  it("never repeats a wrong key or signature (repeats lead to MANGO's lock-out)", async () => {
    for (const [code, type] of [
      [3105, MangoAuthError],
      [3102, MangoSignatureError],
    ] as const) {
      const { c, sent } = client([{ status: 420, json: { code } }]);
      expect(await failure(c.getUsers())).toBeInstanceOf(type);
      expect(sent).toHaveLength(1);
    }
  });

  it("does not wait out a lock-out inside an HTTP call", async () => {
    const { c, sent, waits } = client([{ status: 401 }]);
    const err = await failure(c.getUsers());
    expect(err).toBeInstanceOf(MangoLockedOutError);
    expect((err as MangoLockedOutError).retrySafe).toBe(true);
    expect(sent).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("rejects an answer that fails the schema without repeating it", async () => {
    const { c, sent } = client([{ status: 200, json: { users: "nope" } }]);
    expect(await failure(c.getUsers())).toBeInstanceOf(MangoProtocolError);
    expect(sent).toHaveLength(1);
  });

  it("reads errors carried as result in a 200 body", async () => {
    const { c } = client([{ status: 200, json: { result: 3105 } }]);
    expect(await failure(c.getLines())).toBeInstanceOf(MangoAuthError);
  });
});

describe("retries of commands that act in the world", () => {
  it("repeats a callback when the connection never opened", async () => {
    const { c, sent } = client([{ throw: networkError("ECONNREFUSED") }, ACK]);
    await expect(c.callback(callback)).resolves.toEqual({ commandId: "job-1" });
    expect(sent).toHaveLength(2);
    // The repeat is byte-identical: same command_id, same signature.
    expect(sent[1]?.form).toEqual(sent[0]?.form);
  });

  it("repeats a command MANGO refused for rate (429) or overload (503, 5008)", async () => {
    const { c, sent } = client([
      { status: 429 },
      { status: 503 },
      { status: 200, json: { result: 5008 } },
      ACK,
    ]);
    await c.sendSms({ commandId: "sms-1", fromExtension: "101", toNumber: "89991234567", text: "Привет" });
    expect(sent).toHaveLength(4);
  });

  it("does not repeat a callback after a reset connection: MANGO may have placed the call", async () => {
    const { c, sent } = client([{ throw: networkError("ECONNRESET") }, ACK]);
    const err = await failure(c.callback(callback));
    expect(err).toBeInstanceOf(MangoUnavailableError);
    expect((err as MangoUnavailableError).outcomeUnknown).toBe(true);
    expect((err as MangoUnavailableError).retrySafe).toBe(false);
    expect(sent).toHaveLength(1);
  });

  it("does not repeat an SMS after a timeout or a 500", async () => {
    const timeout = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    for (const reply of [{ throw: timeout }, { status: 500 }, { status: 200, json: { result: 5000 } }]) {
      const { c, sent } = client([reply, ACK]);
      const err = (await failure(
        c.sendSms({ commandId: "sms-2", fromExtension: "101", toNumber: "+79991234567", text: "x" }),
      )) as MangoUnavailableError | MangoServerError;
      expect(err.outcomeUnknown).toBe(true);
      expect(sent).toHaveLength(1);
    }
  });

  it("does not repeat adding a campaign task after a 502", async () => {
    const { c, sent } = client([{ status: 502 }, { status: 200, json: { result: 1000, task_id: 1 } }]);
    expect(await failure(c.addCampaignTask({ campaignId: 1, number: "+79991234567" }))).toBeInstanceOf(
      MangoServerError,
    );
    expect(sent).toHaveLength(1);
  });

  it("a rate-limited command waits at least 2 s before the repeat", async () => {
    const { c, waits } = client([{ status: 429 }, ACK]);
    await c.callback(callback);
    expect(waits[0]).toBeGreaterThanOrEqual(2000);
    expect(await failure(client([{ status: 429 }], 0).c.callback(callback))).toBeInstanceOf(
      MangoRateLimitError,
    );
  });
});

describe("wasNeverSent", () => {
  it("recognises connect-phase failures through the cause chain", () => {
    expect(wasNeverSent(networkError("ECONNREFUSED"))).toBe(true);
    expect(wasNeverSent(networkError("ENOTFOUND"))).toBe(true);
    expect(wasNeverSent(networkError("UND_ERR_CONNECT_TIMEOUT"))).toBe(true);
    expect(wasNeverSent(networkError("ECONNRESET"))).toBe(false);
    expect(wasNeverSent(networkError("UND_ERR_SOCKET"))).toBe(false);
    expect(wasNeverSent(new Error("boom"))).toBe(false);
  });
});
