// The tRPC context of the widget's iframe pages (/widget/api/trpc): the same appRouter as the portal, with the
// caller taken from Amango's widget session token (`Authorization: Bearer`, server/widget/session.ts) instead
// of next-auth. Once the session is mapped to
// { userId, tenantId }, the router's own checks (tenant membership, admin role, mapped extension) apply
// unchanged, so a rule is edited through one API from the portal and from amoCRM's DP settings.
import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { amocrmUsers, users } from "@/db/schema";
import { WIDGET_TRPC_SOURCE, WIDGET_TRPC_SOURCE_HEADER } from "@/lib/domain/widget/trpc-session-protocol";
import type { JobQueue } from "@/server/jobs/queue";
import { logger } from "@/server/log/logger";
import { addMembership, getMembership, getTenant } from "@/server/tenancy/queries";
import type { SessionIdentity, TrpcContext } from "@/server/trpc/init";
import { readWidgetSession, type WidgetSession } from "./session";

export type WidgetRequestRefusal = "missing_source_header" | "cross_site" | "foreign_origin";

/**
 * Only the widget page's own client may call the widget endpoints (the session exchange and tRPC). The
 * session token rides in a header no other site can make the browser attach, so this is defence in depth,
 * kept from when a cookie authenticated these calls:
 * - the client sends `x-trpc-source: widget`. A cross-origin page cannot add a custom header without a CORS
 *   preflight, and these endpoints answer no CORS at all, so the header alone proves a same-origin caller;
 * - `Sec-Fetch-Site`, when the browser sends it (all current ones do), must be `same-origin`: the iframe
 *   document is on our origin even though amoCRM's page around it is not, so its fetches are same-origin;
 * - `Origin`, when present (POSTs), must be ours (APP_URL, or the origin the request was addressed to).
 * Null when the request may proceed, else why not.
 */
export function checkWidgetPageRequest(
  req: Request,
  { appUrl }: { appUrl: string },
): WidgetRequestRefusal | null {
  if (req.headers.get(WIDGET_TRPC_SOURCE_HEADER) !== WIDGET_TRPC_SOURCE) return "missing_source_header";
  const site = req.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") return "cross_site";
  const origin = req.headers.get("origin");
  if (origin !== null && origin !== new URL(appUrl).origin && origin !== new URL(req.url).origin)
    return "foreign_origin";
  return null;
}

/** The token of `Authorization: Bearer <token>`, if that is the header's scheme. */
export function bearerToken(header: string | null): string | null {
  const m = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header ?? "");
  return m?.[1] ?? null;
}

/**
 * The Amango person behind a widget session, made a member of the session's tenant on first use.
 *
 * The disposable token that opened the session is signed by amoCRM with our integration secret and names the
 * account and the user, so this is the same proof of identity the portal's sign-in gets from OAuth. Someone
 * who opens the widget before ever signing in to the portal is therefore created here (name from the cached
 * amoCRM directory when known) and joins as a **member**, exactly as a later user joins through sign-in
 * (`server/onboarding/signin.ts`). amoCRM's `is_admin` is deliberately not turned into an Amango role: it is
 * missing from amoCRM's official claim table (reference §3, read only by the SDK), and Amango roles are
 * granted by the tenant's owner/admins on «Участники», whichever door a person came in through. An existing
 * membership keeps its role. Null when the tenant no longer exists or is another account's.
 */
export async function widgetSessionIdentity(db: Db, s: WidgetSession): Promise<SessionIdentity | null> {
  const tenant = await getTenant(db, { tenantId: s.tenantId });
  if (!tenant || tenant.amocrmAccountId !== s.accountId) return null;
  const user = await findOrCreateUser(db, s);
  if (!(await getMembership(db, { tenantId: tenant.id, userId: user.id }))) {
    await addMembership(db, { tenantId: tenant.id, userId: user.id, role: "member" });
    logger.info(
      { tenantId: tenant.id, amocrmUserId: s.amocrmUserId },
      "widget user joined the tenant as a member",
    );
  }
  return { userId: user.id, tenantId: tenant.id };
}

async function findOrCreateUser(db: Db, s: WidgetSession) {
  const byAmoId = () => db.select().from(users).where(eq(users.amocrmUserId, s.amocrmUserId));
  const [known] = await byAmoId();
  if (known) return known;
  const [cached] = await db
    .select({ name: amocrmUsers.name, email: amocrmUsers.email })
    .from(amocrmUsers)
    .where(and(eq(amocrmUsers.tenantId, s.tenantId), eq(amocrmUsers.amoUserId, s.amocrmUserId)));
  // Concurrent first calls (the batch link sends several) race here: the unique amoCRM id keeps one row.
  await db
    .insert(users)
    .values({
      amocrmUserId: s.amocrmUserId,
      name: cached?.name ?? `Пользователь amoCRM ${s.amocrmUserId}`,
      email: cached?.email ?? null,
    })
    .onConflictDoNothing({ target: users.amocrmUserId });
  const [row] = await byAmoId();
  return row!;
}

export type WidgetTrpcConfig = { authSecret: string; appUrl: string; queue: JobQueue; now?: Date };

/**
 * The context of one widget tRPC request. A request that fails the origin check is refused (FORBIDDEN) before
 * its session is even read; a missing, forged or expired session token gives `session: null`, which every
 * non-public procedure answers UNAUTHORIZED.
 */
export async function createWidgetTrpcContext(
  db: Db,
  req: Request,
  cfg: WidgetTrpcConfig,
): Promise<TrpcContext> {
  const refusal = checkWidgetPageRequest(req, cfg);
  if (refusal)
    throw new TRPCError({ code: "FORBIDDEN", message: `Запрос не из виджета Amango (${refusal})` });
  const widget = await readWidgetSession(bearerToken(req.headers.get("authorization")), {
    authSecret: cfg.authSecret,
    ...(cfg.now ? { now: cfg.now } : {}),
  });
  return {
    db,
    queue: cfg.queue,
    session: widget ? await widgetSessionIdentity(db, widget) : null,
    requestId: req.headers.get("x-request-id") ?? randomUUID(),
  };
}
