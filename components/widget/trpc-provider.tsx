"use client";

import { QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { type ReactNode, useState } from "react";
import superjson from "superjson";
import {
  WIDGET_TRPC_ENDPOINT,
  WIDGET_TRPC_SOURCE,
  WIDGET_TRPC_SOURCE_HEADER,
} from "@/lib/domain/widget/trpc-session-protocol";
import { makeQueryClient, TRPCProvider } from "@/lib/trpc/client";
// Type-only and constants: no server code reaches the browser.
import type { AppRouter } from "@/server/trpc/router";

function makeWidgetTrpcClient(sessionToken: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: WIDGET_TRPC_ENDPOINT,
        transformer: superjson,
        // The session token from the page's exchange (memory only), and the source header the endpoint
        // demands of its own client (server/widget/trpc-session.ts).
        headers: {
          authorization: `Bearer ${sessionToken}`,
          [WIDGET_TRPC_SOURCE_HEADER]: WIDGET_TRPC_SOURCE,
        },
      }),
    ],
  });
}

/**
 * tRPC for the widget's iframe pages: the portal's hooks (`useTRPC`) against /widget/api/trpc, authenticated by
 * the widget session token. Nested inside the root layout's portal provider, it takes over for its subtree,
 * so components written for the portal (e.g. the rules editor) work here unchanged.
 */
export function WidgetTrpcProvider({
  sessionToken,
  children,
}: {
  sessionToken: string;
  children: ReactNode;
}) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() => makeWidgetTrpcClient(sessionToken));
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
