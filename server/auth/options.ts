import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/db";
import { env } from "@/server/config/env";
import { getMembership } from "@/server/tenancy/queries";
import { amocrmProvider, amocrmSignInConfigured } from "./amocrm-provider";

const devLoginInput = z.object({ userId: z.uuid(), tenantId: z.uuid() });

/**
 * Sign-in. Identity = an amoCRM user, tenant = their amoCRM account: the amoCRM OAuth provider
 * (./amocrm-provider.ts), registered when our integration's credentials are configured. The "dev"
 * credentials provider exists only when DEV_LOGIN is set outside production: it is not even registered
 * otherwise, so no request can reach it.
 */
export function authOptions(request?: { url: string }): NextAuthOptions {
  const e = env();
  // next-auth v4 builds its redirect URLs from NEXTAUTH_URL; ours is APP_URL.
  process.env.NEXTAUTH_URL ??= e.APP_URL;
  const providers: NextAuthOptions["providers"] = [];
  if (amocrmSignInConfigured()) {
    // amoCRM names the account's domain only in the callback's `referer`; the provider needs this request's.
    const callbackReferer = request ? new URL(request.url).searchParams.get("referer") : null;
    providers.push(amocrmProvider({ callbackReferer }));
  }
  if (e.DEV_LOGIN && !e.isProduction) {
    providers.push(
      CredentialsProvider({
        id: "dev",
        name: "Development sign-in",
        credentials: { userId: { type: "text" }, tenantId: { type: "text" } },
        async authorize(credentials) {
          const input = devLoginInput.safeParse(credentials);
          if (!input.success) return null;
          const found = await getMembership(await getDb(), input.data);
          if (!found) return null;
          return { id: found.user.id, name: found.user.name, tenantId: found.tenant.id };
        },
      }),
    );
  }
  return {
    secret: e.AUTH_SECRET,
    session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
    // Errors too land on /login, which explains them in Russian (next-auth's own error page is English).
    pages: { signIn: "/login", error: "/login" },
    providers,
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.userId = user.id;
          token.tenantId = (user as { tenantId?: string }).tenantId ?? null;
        }
        return token;
      },
      session({ session, token }) {
        return {
          ...session,
          userId: token.userId as string,
          tenantId: (token.tenantId as string | null) ?? null,
        };
      },
    },
  };
}
