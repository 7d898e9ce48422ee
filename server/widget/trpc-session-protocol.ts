// What the widget iframe's tRPC client and the widget tRPC endpoint agree on. Pure constants, so the client
// component (components/widget/trpc-provider.tsx) can import them without pulling server code into the page.

/** Under the widget cookie's path (/widget): the browser sends `amango_widget` only to URLs below it. */
export const WIDGET_TRPC_ENDPOINT = "/widget/api/trpc";

/**
 * A header every call of the widget's own client carries. A custom header cannot be sent cross-origin
 * without a CORS preflight, which this endpoint never approves: see `checkWidgetTrpcRequest`.
 */
export const WIDGET_TRPC_SOURCE_HEADER = "x-trpc-source";
export const WIDGET_TRPC_SOURCE = "widget";
