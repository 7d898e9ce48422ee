import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

const config: NextConfig = {
  // Native/wasm and worker-thread packages stay outside the server bundle.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "pino", "pino-pretty", "inngest"],
  typedRoutes: false,
  devIndicators: false,
};

export default withNextIntl(config);
