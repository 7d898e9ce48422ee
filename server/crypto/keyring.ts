import { env } from "@/server/config/env";
import { buildKeyring, type Keyring } from "./envelope";

let cached: Keyring | undefined;

/** The process keyring from the environment. */
export function appKeyring(): Keyring {
  const e = env();
  cached ??= buildKeyring(e.ENCRYPTION_KEY_ID, e.ENCRYPTION_KEY, e.ENCRYPTION_OLD_KEYS);
  return cached;
}
