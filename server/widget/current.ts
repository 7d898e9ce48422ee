import { cookies } from "next/headers";
import { env } from "@/server/config/env";
import { readWidgetSession, WIDGET_COOKIE, type WidgetSession } from "./session";

/** The widget session of this request (the iframe pages), or null: without one they show no tenant data. */
export async function currentWidgetSession(): Promise<WidgetSession | null> {
  const value = (await cookies()).get(WIDGET_COOKIE)?.value;
  return readWidgetSession(value, { authSecret: env().AUTH_SECRET });
}
