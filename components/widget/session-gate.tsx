"use client";

import { useTranslations } from "next-intl";
import { type ReactNode, useEffect, useState } from "react";
import {
  WIDGET_SESSION_ENDPOINT,
  WIDGET_TRPC_SOURCE,
  WIDGET_TRPC_SOURCE_HEADER,
} from "@/lib/domain/widget/trpc-session-protocol";
import { WidgetNoSession } from "./no-session";
import { WidgetTrpcProvider } from "./trpc-provider";

type Area = "settings" | "dp";
type Exchange = { ok: true; session: string } | { ok: false; reason: string };

// One exchange per token even if the effect runs twice (React's development double mount): the server
// spends a token on its first exchange and refuses a second.
const exchanges = new Map<string, Promise<Exchange>>();

function exchange(token: string, area: Area): Promise<Exchange> {
  let pending = exchanges.get(token);
  if (!pending) {
    pending = fetch(WIDGET_SESSION_ENDPOINT, {
      method: "POST",
      credentials: "omit",
      headers: { "content-type": "application/json", [WIDGET_TRPC_SOURCE_HEADER]: WIDGET_TRPC_SOURCE },
      body: JSON.stringify({ token, area }),
    })
      .then(async (res) => {
        const body = (await res.json().catch(() => ({}))) as { session?: string; error?: string };
        return res.ok && body.session
          ? ({ ok: true, session: body.session } as const)
          : ({ ok: false, reason: body.error ?? `http_${res.status}` } as const);
      })
      .catch(() => ({ ok: false, reason: "network" }) as const);
    exchanges.set(token, pending);
  }
  return pending;
}

// The fragment is read once per page load and wiped from the address bar and history at once; a second
// effect run (development) must still find the token.
let fragmentToken: string | null | undefined;
function takeFragmentToken(): string | null {
  if (fragmentToken === undefined) {
    fragmentToken = new URLSearchParams(window.location.hash.slice(1)).get("token");
    if (window.location.hash)
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  return fragmentToken;
}

/**
 * The widget page's sign-in, without cookies (the iframe is a third-party context inside amoCRM): amoCRM's
 * disposable token arrives in the URL fragment, which is read and wiped from the address at once, and is
 * exchanged for Amango's session token. That token lives only in this component's memory and authenticates
 * the page's tRPC calls; a reload needs amoCRM to open the frame again.
 */
export function WidgetSessionGate({ area, children }: { area: Area; children: ReactNode }) {
  const t = useTranslations("widget.session");
  const [state, setState] = useState<Exchange | null>(null);
  useEffect(() => {
    const token = takeFragmentToken();
    if (!token) {
      setState({ ok: false, reason: "missing_token" });
      return;
    }
    let live = true;
    void exchange(token, area).then((r) => live && setState(r));
    return () => {
      live = false;
    };
  }, [area]);
  if (!state)
    return (
      <p className="text-muted-foreground" data-testid="widget-session-pending">
        {t("pending")}
      </p>
    );
  if (!state.ok) return <WidgetNoSession reason={state.reason} />;
  return <WidgetTrpcProvider sessionToken={state.session}>{children}</WidgetTrpcProvider>;
}
