import { z } from "zod";
import { loadDevSecrets } from "./dev-secrets";

const bool = z
  .enum(["1", "0", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

/** Every variable the app reads. Documented, section by section, in `.env.example`. */
export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  AMANGO_DEMO: bool,
  APP_URL: z.url().default("http://localhost:3000"),
  DATA_DIR: z.string().default(".data"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  DATABASE_URL: z.string().optional(),
  /** PostgreSQL only: connections of the web side (routes, webhooks, the portal, the widget). */
  DB_POOL_WEB: z.coerce.number().int().min(1).default(10),
  /** PostgreSQL only: connections of the job handlers (local poller, Inngest functions); default concurrency + 2. */
  DB_POOL_JOBS: z.coerce.number().int().min(1).optional(),

  AUTH_SECRET: z.string().min(32).optional(),
  /** base64 of 32 bytes; the key that encrypts new secrets. */
  ENCRYPTION_KEY: z.string().optional(),
  ENCRYPTION_KEY_ID: z
    .string()
    .regex(/^[a-z0-9_-]{1,16}$/i)
    .default("k1"),
  /** Older keys still able to decrypt: "id:base64,id:base64". */
  ENCRYPTION_OLD_KEYS: z.string().optional(),
  /** Development-only sign-in without amoCRM; refused in production. */
  DEV_LOGIN: bool,

  INNGEST_EVENT_KEY: z.string().optional(),
  INNGEST_SIGNING_KEY: z.string().optional(),
  INNGEST_DEV: z.string().optional(),
  INNGEST_BASE_URL: z.url().optional(),
  JOBS_POLL_MS: z.coerce.number().int().min(50).default(1000),
  /** How long a claimed run stays a worker's without a heartbeat (inngest/local/lease.ts; default 30 s). */
  JOBS_LEASE_MS: z.coerce.number().int().min(500).optional(),
  JOBS_DISABLED: bool,
  /** How many runs one local poller executes at a time. */
  JOBS_CONCURRENCY: z.coerce.number().int().min(1).default(10),

  AMOCRM_CLIENT_ID: z.string().optional(),
  AMOCRM_CLIENT_SECRET: z.string().optional(),
  AMOCRM_EMULATOR_URL: z.url().optional(),
  /** How long an amoCRM request may take before we stop waiting (its outcome is then unknown). */
  AMOCRM_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  MANGO_API_URL: z.url().default("https://app.mango-office.ru/vpbx"),
});

export type Env = z.infer<typeof envSchema> & {
  AUTH_SECRET: string;
  ENCRYPTION_KEY: string;
  isProduction: boolean;
  isDemo: boolean;
  jobDriver: "inngest" | "local";
  DB_POOL_JOBS: number;
};

export class EnvError extends Error {
  override name = "EnvError";
}

/**
 * Validates the environment. In production the database, the encryption key and the auth secret are
 * mandatory and demo mode and the development sign-in are refused; elsewhere they fall back to embedded defaults (PGlite, generated dev secrets).
 */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // An empty value (`KEY=` in a copied .env.example) means "not set".
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  // Nothing turns production off: demo mode and the password-less development sign-in are refused there,
  // whatever else is set (one stray variable must not open sign-in as anyone).
  const isProduction = env.NODE_ENV === "production";
  if (isProduction) {
    const missing = (["DATABASE_URL", "ENCRYPTION_KEY", "AUTH_SECRET"] as const).filter((k) => !env[k]);
    if (missing.length > 0) {
      throw new EnvError(`Production refuses to start: missing ${missing.join(", ")}. See .env.example.`);
    }
    const devOnly = (["DEV_LOGIN", "AMANGO_DEMO"] as const).filter((k) => env[k]);
    if (devOnly.length > 0)
      throw new EnvError(
        `Production refuses to start: ${devOnly.join(" and ")} must not be set (local demo and tests only).`,
      );
  }
  const fallback = env.AUTH_SECRET && env.ENCRYPTION_KEY ? undefined : loadDevSecrets(env.DATA_DIR);
  const jobDriver = env.INNGEST_EVENT_KEY || env.INNGEST_DEV ? "inngest" : "local";
  return {
    ...env,
    AUTH_SECRET: env.AUTH_SECRET ?? fallback!.authSecret,
    ENCRYPTION_KEY: env.ENCRYPTION_KEY ?? fallback!.encryptionKey,
    DEV_LOGIN: env.DEV_LOGIN && !isProduction,
    isProduction,
    isDemo: env.AMANGO_DEMO && !isProduction,
    jobDriver,
    // The handlers in flight, plus the poller's claim and the lease heartbeat.
    DB_POOL_JOBS: env.DB_POOL_JOBS ?? env.JOBS_CONCURRENCY + 2,
  };
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/** Tests only: read the environment again (an e2e test learns its emulator's address after it started). */
export function rereadEnvForTests(): void {
  cached = undefined;
}
