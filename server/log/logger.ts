import pino from "pino";
import { serializeError } from "./errors";

/**
 * Structured logs. Secret-bearing keys are censored wherever they appear; phone numbers are masked by
 * callers with `maskPhone` before they reach a log line; an `err` never carries a failed query's
 * parameters (./errors.ts).
 */
export const loggerOptions: pino.LoggerOptions = {
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { service: "amango" },
  serializers: { err: serializeError, error: serializeError },
  redact: {
    paths: [
      "*.password",
      "*.secret",
      "*.salt",
      "*.apiKey",
      "*.api_key",
      "*.vpbx_api_key",
      "*.token",
      "*.accessToken",
      "*.refreshToken",
      "*.access_token",
      "*.refresh_token",
      "*.authorization",
      "*.sign",
    ],
    censor: "[redacted]",
  },
};

export const logger = pino(loggerOptions);

export type Logger = typeof logger;
export const loggerFor = (bindings: { tenantId?: string | null; requestId?: string; job?: string }) =>
  logger.child(bindings);
