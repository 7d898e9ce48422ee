import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

const config: NextConfig = {
  // Native/wasm and worker-thread packages stay outside the server bundle.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "pino", "pino-pretty", "inngest"],
  typedRoutes: false,
  devIndicators: false,
  // A webhook sender may not follow a redirect: `/api/mango/<key>/events/call/` must be answered as it is, not
  // with the 308 to the slash-less path Next sends by default. Pages are served at either form too.
  skipTrailingSlashRedirect: true,
  // The widget pages live inside amoCRM's iframes only (loopback for the emulator's stand-in page).
  async headers() {
    const ancestors =
      "https://*.amocrm.ru https://*.amocrm.com https://*.kommo.com http://127.0.0.1:* http://localhost:*";
    return [
      {
        source: "/widget/:path*",
        headers: [{ key: "Content-Security-Policy", value: `frame-ancestors ${ancestors}` }],
      },
    ];
  },
};

export default withNextIntl(config);
