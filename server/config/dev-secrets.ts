import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const devSecretsSchema = z.object({ authSecret: z.string().min(32), encryptionKey: z.string() });
export type DevSecrets = z.infer<typeof devSecretsSchema>;

/**
 * Outside production, missing secrets are generated once and kept in the data dir so restarts can still
 * decrypt what was stored. Loud on purpose: these must never be what production runs on.
 */
export function loadDevSecrets(dataDir: string): DevSecrets {
  const file = path.join(dataDir, "dev-secrets.json");
  if (existsSync(file)) return devSecretsSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  mkdirSync(dataDir, { recursive: true });
  const secrets: DevSecrets = {
    authSecret: randomBytes(32).toString("base64url"),
    encryptionKey: randomBytes(32).toString("base64"),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  console.warn(
    `[amango] generated development secrets in ${file}; set AUTH_SECRET and ENCRYPTION_KEY for production`,
  );
  return secrets;
}
