import {
  ArrowRight,
  Megaphone,
  MessageSquareText,
  PhoneCall,
  PhoneForwarded,
  ScrollText,
  Tags,
} from "lucide-react";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Logo } from "@/components/brand/logo";
import { LocaleSwitch } from "@/components/locale-switch";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";

export const dynamic = "force-dynamic";

const features = [
  { key: "calls", icon: PhoneCall },
  { key: "sms", icon: MessageSquareText },
  { key: "callbacks", icon: PhoneForwarded },
  { key: "campaigns", icon: Megaphone },
  { key: "topics", icon: Tags },
] as const;

export default async function LandingPage() {
  const t = await getTranslations("landing");
  return (
    <div className="flex min-h-screen flex-col bg-gradient-to-b from-amber-50/60 via-background to-background">
      <header className="mx-auto flex w-full max-w-6xl items-center justify-between px-4 py-4 sm:px-6">
        <Logo className="text-lg" />
        <div className="flex items-center gap-3">
          <LocaleSwitch />
          <Button asChild size="sm" variant="outline">
            <Link href="/login">{t("cta")}</Link>
          </Button>
        </div>
      </header>

      <main className="mx-auto flex w-full max-w-6xl flex-1 flex-col gap-16 px-4 pt-12 pb-20 sm:px-6 sm:pt-20">
        <section className="flex max-w-3xl flex-col items-start gap-6">
          <Badge variant="outline" className="bg-background/80 px-3 py-1 text-muted-foreground">
            {t("badge")}
          </Badge>
          <h1 className="text-4xl font-semibold tracking-tight text-balance sm:text-5xl">{t("title")}</h1>
          <p className="text-lg text-pretty text-muted-foreground">{t("subtitle")}</p>
          <div className="flex flex-wrap items-center gap-4">
            <Button asChild size="lg" data-testid="landing-sign-in">
              <Link href="/login">
                {t("cta")}
                <ArrowRight />
              </Link>
            </Button>
            <span className="text-sm text-muted-foreground">{t("ctaHint")}</span>
          </div>
        </section>

        <section className="flex flex-col gap-6" aria-labelledby="features-title">
          <h2 id="features-title" className="text-2xl font-semibold tracking-tight">
            {t("featuresTitle")}
          </h2>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {features.map(({ key, icon: Icon }) => (
              <Card key={key} className="gap-3 shadow-none">
                <CardHeader className="gap-3">
                  <span className="grid size-9 place-items-center rounded-lg bg-amber-100 text-amber-700">
                    <Icon className="size-5" />
                  </span>
                  <CardTitle>{t(`features.${key}.title`)}</CardTitle>
                </CardHeader>
                <CardContent className="text-sm text-muted-foreground">
                  {t(`features.${key}.text`)}
                </CardContent>
              </Card>
            ))}
            <Card className="gap-3 border-dashed bg-muted/40 shadow-none">
              <CardHeader className="gap-3">
                <span className="grid size-9 place-items-center rounded-lg bg-background text-foreground">
                  <ScrollText className="size-5" />
                </span>
                <CardTitle>{t("journalTitle")}</CardTitle>
              </CardHeader>
              <CardContent className="text-sm text-muted-foreground">{t("journalText")}</CardContent>
            </Card>
          </div>
        </section>
      </main>

      <footer className="border-t">
        <div className="mx-auto w-full max-w-6xl px-4 py-6 text-sm text-muted-foreground sm:px-6">
          {t("footer")}
        </div>
      </footer>
    </div>
  );
}
