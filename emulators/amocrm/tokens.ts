// Tokens amoCRM issues: OAuth access tokens (JWT, RS256 with amoCRM's own key → opaque to integrations),
// disposable widget tokens (HS256 with the integration secret) and the signed uninstall ("disconnect") hook.
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { type CryptoKey, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import type { Emu } from "./context";
import type { Account, Integration } from "./state";

let rsaKey: Promise<{ privateKey: CryptoKey }> | null = null;
function signingKey() {
  // Generated on first use, not at start-up, so the server starts instantly.
  rsaKey ??= generateKeyPair("RS256");
  return rsaKey;
}

export const ACCESS_TTL_SEC = 86400;
export const REFRESH_TTL_SEC = 90 * 86400;
export const CODE_TTL_SEC = 20 * 60;
export const DISPOSABLE_TTL_SEC = 1800;

export function randomToken(bytes = 48): string {
  return randomBytes(bytes).toString("hex");
}

/** Access token claims as observed in a real token (sample oauth-access-token-jwt-claims.redacted.json). */
export async function mintAccessToken(
  emu: Emu,
  acc: Account,
  clientId: string,
  userId: number,
  nowSec: number,
): Promise<string> {
  const jti = randomBytes(40).toString("hex");
  const apiDomain = new URL(emu.publicBaseUrl).host;
  const { privateKey } = await signingKey();
  return new SignJWT({
    grant_type: "",
    account_id: acc.id,
    base_domain: "amocrm.ru",
    version: 2,
    scopes: ["crm", "files", "files_delete", "notifications", "push_notifications"],
    hash_uuid: randomUUID(),
    api_domain: apiDomain,
  })
    .setProtectedHeader({ typ: "JWT", alg: "RS256", jti })
    .setAudience(clientId)
    .setJti(jti)
    .setIssuedAt(nowSec)
    .setNotBefore(nowSec)
    .setExpirationTime(nowSec + ACCESS_TTL_SEC)
    .setSubject(String(userId))
    .sign(privateKey);
}

export interface DisposableOptions {
  userId?: number;
  ttlSec?: number;
  /** Extra claims, e.g. `{ data: { entity_type, entity_id } }` for mobile-card frames. */
  extra?: Record<string, unknown>;
  isAdmin?: boolean;
}

/** Account URL as it appears in `iss` (and `referer`); see README "Account addresses". */
export function accountIss(emu: Emu, acc: Account): string {
  return `${emu.publicBaseUrl}/a/${acc.subdomain}`;
}

/** Disposable widget token (reference §3): HS256, key = client_secret, aud = origin of the redirect URI. */
export async function mintDisposableToken(
  emu: Emu,
  acc: Account,
  integ: Integration,
  opts: DisposableOptions = {},
): Promise<{ token: string; claims: JWTPayload }> {
  const now = emu.clock.nowSec();
  const ttl = opts.ttlSec ?? DISPOSABLE_TTL_SEC;
  const userId = opts.userId ?? acc.current_user_id;
  const user = acc.users.find((u) => u.id === userId);
  const claims: JWTPayload = {
    iss: accountIss(emu, acc),
    aud: new URL(integ.redirect_uris[0] ?? "http://localhost").origin,
    jti: randomUUID(),
    iat: now,
    nbf: now,
    exp: now + ttl,
    account_id: acc.id,
    user_id: userId,
    subdomain: acc.subdomain,
    client_uuid: integ.client_id,
    is_admin: opts.isAdmin ?? user?.is_admin ?? false,
    ...opts.extra,
  };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ typ: "JWT", alg: "HS256" })
    .sign(new TextEncoder().encode(integ.client_secret));
  return { token, claims };
}

/** signature = hex(HMAC-SHA256(key = client_secret, msg = "{client_uuid}|{account_id}")) (reference §2.11). */
export function disconnectSignature(clientId: string, accountId: number, secret: string): string {
  return createHmac("sha256", secret).update(`${clientId}|${accountId}`).digest("hex");
}

export function disconnectUrl(target: string, integ: Integration, acc: Account): string {
  const u = new URL(target);
  u.searchParams.set("account_id", String(acc.id));
  u.searchParams.set("client_uuid", integ.client_id);
  u.searchParams.set("signature", disconnectSignature(integ.client_id, acc.id, integ.client_secret));
  return u.toString();
}
