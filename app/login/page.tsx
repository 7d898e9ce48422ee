import { ArrowLeft } from "lucide-react";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { AmocrmSignIn } from "@/components/auth/amocrm-sign-in";
import { DevSignIn } from "@/components/auth/dev-sign-in";
import { Logo } from "@/components/brand/logo";
import { LocaleSwitch } from "@/components/locale-switch";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { amocrmSignInConfigured } from "@/server/auth/amocrm-provider";
import { getSessionIdentity } from "@/server/auth/session";

/** next-auth error codes we explain; anything else gets the generic message. */
const KNOWN_ERRORS = ["OAuthCallback", "OAuthSignin", "AccessDenied", "SessionRequired"] as const;
type KnownError = (typeof KNOWN_ERRORS)[number];
const isKnownError = (e: string): e is KnownError => (KNOWN_ERRORS as readonly string[]).includes(e);

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("login");
  return { title: t("title") };
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const identity = await getSessionIdentity();
  if (identity?.tenantId) redirect("/overview");
  const { error } = await searchParams;
  const t = await getTranslations("login");
  const tErrors = await getTranslations("auth.errors");
  return (
    <div className="flex min-h-screen flex-col bg-gradient-to-b from-amber-50/60 to-background">
      <header className="mx-auto flex w-full max-w-6xl items-center justify-between px-4 py-4 sm:px-6">
        <Link
          href="/"
          className="inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
        >
          <ArrowLeft className="size-4" />
          {t("backHome")}
        </Link>
        <LocaleSwitch />
      </header>
      <main className="flex flex-1 items-start justify-center px-4 pt-10 pb-20 sm:pt-20">
        <Card className="w-full max-w-md">
          <CardHeader className="items-center gap-3 text-center">
            <Logo className="text-lg" />
            <CardTitle className="text-xl">{t("title")}</CardTitle>
            <CardDescription>{t("subtitle")}</CardDescription>
          </CardHeader>
          <CardContent className="flex flex-col gap-6">
            {error ? (
              <p
                role="alert"
                data-testid="login-error"
                data-error={error}
                className="rounded-md bg-destructive/10 px-3 py-2 text-sm text-destructive"
              >
                {isKnownError(error) ? tErrors(error) : t("failed")}
              </p>
            ) : null}
            <AmocrmSignIn enabled={amocrmSignInConfigured()} />
            <DevSignIn />
          </CardContent>
        </Card>
      </main>
    </div>
  );
}
