// What the widget iframe's tRPC client and the widget tRPC endpoint agree on. Pure constants, so the client
// component (components/widget/trpc-provider.tsx) can import them without pulling server code into the page.

/** The portal's router for the widget pages, authenticated by `Authorization: Bearer <session token>`. */
export const WIDGET_TRPC_ENDPOINT = "/widget/api/trpc";

/** Where a widget page exchanges amoCRM's disposable token for its session token (JSON POST). */
export const WIDGET_SESSION_ENDPOINT = "/widget/api/session";

/**
 * A header every call of the widget's own client carries. A custom header cannot be sent cross-origin
 * without a CORS preflight, which this endpoint never approves: see `checkWidgetPageRequest`.
 */
export const WIDGET_TRPC_SOURCE_HEADER = "x-trpc-source";
export const WIDGET_TRPC_SOURCE = "widget";
