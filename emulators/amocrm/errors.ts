// problem+json bodies in the shapes amoCRM returns (reference §5.1, samples kommo-error-*.json,
// validation-error-400.json, oauth-error-*.json).
import type { z } from "zod";
import type { Res } from "./http";

const PROBLEM = "application/problem+json";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
};

export interface ValidationIssue {
  code: string;
  path: string;
  detail: string;
}

/** Thrown from handlers; the server turns it into the response it carries. */
export class HttpError extends Error {
  constructor(readonly res: Res) {
    super(`HTTP ${res.status}`);
  }
}

export function problem(status: number, detail: string, extra: Record<string, unknown> = {}): Res {
  if (status === 500) {
    // The 500 body has no `type` and carries a trace id (sample kommo-error-500.json).
    return {
      status,
      contentType: PROBLEM,
      body: {
        title: "ErrInternalServer",
        status,
        detail,
        trace_id: crypto.randomUUID(),
      },
    };
  }
  return {
    status,
    contentType: PROBLEM,
    body: {
      title: TITLES[status] ?? "Error",
      type: `https://httpstatus.es/${status}`,
      status,
      detail,
      ...extra,
    },
  };
}

export function validationProblem(byRequest: Array<{ request_id: string; errors: ValidationIssue[] }>): Res {
  return {
    status: 400,
    contentType: PROBLEM,
    body: {
      "validation-errors": byRequest,
      title: "Bad Request",
      type: "https://httpstatus.es/400",
      status: 400,
      detail: "Request validation failed",
    },
  };
}

export function fail(status: number, detail: string, extra?: Record<string, unknown>): never {
  throw new HttpError(problem(status, detail, extra));
}

export function failValidation(request_id: string, errors: ValidationIssue[]): never {
  throw new HttpError(validationProblem([{ request_id, errors }]));
}

/** OAuth errors use amoCRM's OAuthProblemJson (Russian title/detail + English `hint`). */
export function oauthProblem(hint: string): Res {
  return {
    status: 400,
    contentType: "application/json",
    body: {
      hint,
      title: "Некорректный запрос",
      type: "https://developers.amocrm.ru/v3/errors/OAuthProblemJson",
      status: 400,
      detail: "В запросе отсутствует ряд параметров или параметры невалидны",
    },
  };
}

/** Maps zod issues to amoCRM's validation-error codes (NotBlank / InvalidType / NotSupportedChoice / …). */
export function zodIssues(issues: z.core.$ZodIssue[], prefix = ""): ValidationIssue[] {
  return issues.map((i) => {
    const path = [prefix, ...i.path.map(String)].filter((p) => p !== "").join(".");
    if (i.code === "invalid_type") {
      if (i.message.includes("received undefined")) {
        return { code: "NotBlank", path, detail: "This value should not be blank." };
      }
      return { code: "InvalidType", path, detail: `This value should be of type ${i.expected}.` };
    }
    if (i.code === "invalid_value" || i.code === "invalid_union") {
      return { code: "NotSupportedChoice", path, detail: "The value you selected is not a valid choice." };
    }
    if (i.code === "too_big") return { code: "TooLong", path, detail: i.message };
    if (i.code === "too_small") return { code: "TooShort", path, detail: i.message };
    return { code: "InvalidValue", path, detail: i.message };
  });
}

/** Validates one element of a batch; on failure answers 400 with the element's request_id (= index). */
export function parseOrFail<T>(schema: z.ZodType<T>, input: unknown, requestId: string, prefix = ""): T {
  const r = schema.safeParse(input);
  if (!r.success) failValidation(requestId, zodIssues(r.error.issues, prefix));
  return r.data;
}
