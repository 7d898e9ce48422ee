import { EnvError, parseEnv } from "@/server/config/env";

// Runs before `next start`: a production server without its secrets must not come up at all.
try {
  const e = parseEnv();
  console.warn(
    `[amango] environment ok (${e.isProduction ? "production" : e.isDemo ? "demo" : e.NODE_ENV}, jobs: ${e.jobDriver})`,
  );
} catch (err) {
  console.error(`[amango] ${err instanceof EnvError ? err.message : String(err)}`);
  process.exit(1);
}
