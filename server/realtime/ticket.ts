// A short-lived signed ticket that opens the widget's event stream. EventSource cannot send headers, so the
// amoCRM disposable token (X-Auth-Token) is checked once by a POST, which answers this ticket; the stream URL
// then carries the ticket, never amoCRM's token. It lives a minute: enough to open the stream, too short to
// be worth stealing from a log; a reconnection after it expired asks for a new one.
import { createHash } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { z } from "zod";

export const STREAM_TICKET_TTL_SEC = 60;
const AUDIENCE = "amango:call-stream";

export type StreamTicket = { tenantId: string; amoUserId: number };

const claims = z.object({ tid: z.uuid(), sub: z.string().regex(/^\d+$/) });

/** Its own key derived from AUTH_SECRET, so no other token of ours (portal, widget cookie) passes as one. */
function ticketKey(authSecret: string): Uint8Array {
  return new Uint8Array(createHash("sha256").update("amango:call-stream:v1\0").update(authSecret).digest());
}

export async function signStreamTicket(
  t: StreamTicket,
  { authSecret, now = new Date() }: { authSecret: string; now?: Date },
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ tid: t.tenantId })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(String(t.amoUserId))
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + STREAM_TICKET_TTL_SEC)
    .sign(ticketKey(authSecret));
}

/** The ticket's tenant and user, or null when missing, forged or expired. */
export async function readStreamTicket(
  ticket: string | null | undefined,
  { authSecret, now }: { authSecret: string; now?: Date },
): Promise<StreamTicket | null> {
  if (!ticket) return null;
  try {
    const { payload } = await jwtVerify(ticket, ticketKey(authSecret), {
      algorithms: ["HS256"],
      audience: AUDIENCE,
      ...(now ? { currentDate: now } : {}),
    });
    const c = claims.parse(payload);
    return { tenantId: c.tid, amoUserId: Number(c.sub) };
  } catch {
    return null;
  }
}
