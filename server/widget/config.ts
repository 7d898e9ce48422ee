import { env } from "@/server/config/env";
import { amocrmIntegration } from "@/server/connections/amocrm";
import type { WidgetHttpConfig } from "./http";

/** The widget endpoints' configuration from the process environment (the routes' only source of it). */
export function widgetHttpConfig(): WidgetHttpConfig {
  const e = env();
  const { clientId, clientSecret, redirectUri, emulatorBase } = amocrmIntegration();
  return {
    integration: { clientId, clientSecret, redirectUri, ...(emulatorBase ? { emulatorBase } : {}) },
    authSecret: e.AUTH_SECRET,
    appUrl: e.APP_URL,
  };
}
