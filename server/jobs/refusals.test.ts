import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/db/client";
import { ownerReason } from "@/server/activity/reasons";
import { AmocrmApiError, AmocrmNetworkError } from "@/server/amocrm/errors";
import { MangoUnavailableError, mangoErrorFrom } from "@/server/mango/errors";
import { defineJob } from "./define";
import type { JobQueue } from "./queue";
import { refusalOf } from "./refusals";
import { runHandler } from "./runs";

const amo = (status: number, extra: Partial<ConstructorParameters<typeof AmocrmApiError>[3]> = {}) =>
  new AmocrmApiError(status, "POST", "/api/v4/calls", {
    title: null,
    detail: null,
    type: null,
    validationErrors: [],
    retryAfterMs: null,
    ...extra,
  });

const notSupported = amo(400, {
  title: "Bad Request",
  detail: "Request validation failed",
  validationErrors: [
    {
      requestId: "0",
      errors: [
        {
          code: "NotSupportedChoice",
          path: "responsible_user_id",
          detail: "The value you selected is not a valid choice.",
        },
      ],
    },
  ],
});

const mango = (code: number | null, httpStatus = 200) =>
  mangoErrorFrom({ method: "commands/callback", code, httpStatus, idempotent: false });

/** One attempt of a job whose handler throws `err`, through the path both drivers take. */
async function attemptThrowing(err: unknown) {
  const job = defineJob({
    id: "test.refusal",
    title: "test",
    payload: z.object({}),
    handler: async () => {
      throw err;
    },
  });
  return runHandler({} as Db, job, { id: "run", tenantId: null, payload: {} }, 1, {} as JobQueue);
}

describe("deterministic refusals fail a job at once", () => {
  it.each([
    ["amoCRM 400 validation", notSupported],
    ["amoCRM 400 without validation errors", amo(400, { title: "Bad Request", detail: "Empty body" })],
    ["amoCRM 402", amo(402, { title: "Payment Required", detail: "Аккаунт не оплачен" })],
    ["amoCRM 403", amo(403, { title: "Forbidden", detail: "Access denied" })],
    ["MANGO 3103 (missing parameter)", mango(3103)],
    ["MANGO 3104 (bad format)", mango(3104)],
    ["MANGO 3400 (bad JSON)", mango(3400)],
    ["a refusal wrapped as a cause", new Error("log call failed", { cause: notSupported })],
  ])("%s → not retried", async (_name, err) => {
    const result = await attemptThrowing(err);
    expect(result).toMatchObject({ kind: "failed", retriable: false });
  });

  it.each([
    ["amoCRM 401 (token refresh / reconnect decides)", amo(401)],
    ["amoCRM 404 (read as 'not there')", amo(404)],
    ["amoCRM 429", amo(429)],
    ["amoCRM 500", amo(500)],
    ["amoCRM 503", amo(503)],
    ["amoCRM timeout", new AmocrmNetworkError("POST", "/api/v4/calls", new Error("The operation timed out"))],
    ["MANGO HTTP 503", mango(null, 503)],
    ["MANGO 5001", mango(5001)],
    ["MANGO 3310 (call not found)", mango(3310)],
    [
      "MANGO timeout",
      new MangoUnavailableError({ method: "commands/callback", detail: "The operation timed out" }),
    ],
    ["a plain error", new Error("connect ECONNREFUSED 127.0.0.1:1")],
  ])("%s → retried", async (_name, err) => {
    const result = await attemptThrowing(err);
    expect(result).toMatchObject({ kind: "failed", retriable: true });
  });

  it("names the code, the field and amoCRM's message, in Russian for the owner", async () => {
    const result = await attemptThrowing(notSupported);
    const reason = result.kind === "failed" ? result.reason : "";
    expect(reason).toBe(
      'amoCRM отклонил запрос (400, NotSupportedChoice): поле responsible_user_id — "The value you selected is not a valid choice."',
    );
    expect(ownerReason(reason)).toBe(reason);
  });

  it("says what else was refused: 402, 403, a blank 400, MANGO's code", () => {
    expect(refusalOf(amo(402, { detail: "Аккаунт не оплачен" }))).toBe(
      'Подписка amoCRM закончилась (402): продлите её в amoCRM — "Аккаунт не оплачен"',
    );
    expect(refusalOf(amo(403, { title: "Forbidden", detail: "Access denied" }))).toMatch(
      /^amoCRM запретил запрос \(403\).*"Access denied"$/,
    );
    expect(refusalOf(amo(400, { title: "Bad Request", detail: "Empty body" }))).toBe(
      'amoCRM отклонил запрос (400) — "Empty body"',
    );
    const mangoReason = refusalOf(mango(3104));
    expect(mangoReason).toBe(
      "MANGO OFFICE отклонил запрос (код 3104: Параметр в неверном формате), метод commands/callback",
    );
    expect(ownerReason(mangoReason)).toBe(mangoReason);
  });

  it("lists a few of many validation errors and masks phone numbers in amoCRM's text", () => {
    const errors = ["a", "b", "c", "d"].map((p) => ({
      code: "InvalidType",
      path: p,
      detail: "x +79991234567",
    }));
    const reason = refusalOf(amo(400, { validationErrors: [{ requestId: "0", errors }] }));
    expect(reason).toMatch(/^amoCRM отклонил запрос \(400, InvalidType\): поле a — "x \+7999\*\*\*4567"; /);
    expect(reason).toMatch(/InvalidType: поле c — .*; и ещё 1$/);
    expect(reason).not.toContain("1234567");
  });
});
