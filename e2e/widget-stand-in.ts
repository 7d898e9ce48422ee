// The widget on amoCRM's stand-in page, as amoCRM runs it for real customers: the stand-in on ANOTHER SITE
// than the portal (emulator on `localhost`, portal on `127.0.0.1`: different host names are different sites),
// the widget archive the portal offers for download unpacked where the emulator serves it, and a browser
// profile that blocks third-party cookies — with a probe proving the block is in force.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserContext, Page, Request as PwRequest } from "playwright-core";
import { expect } from "vitest";
import type { AmocrmEmulatorOptions } from "@/emulators/amocrm/server";
import { unpackWidgetZip } from "@/server/widget/package";

/** The widget's directory name under the emulator's `/__widgets/` (its code on the stand-in). */
const WIDGET_DIR = "amango";
/** A cookie of the portal's site the browser holds; a frame inside another site must not send it. */
export const PROBE_COOKIE = "amango_3pc_probe";

/** Emulator options: its pages on `localhost` (another site than the portal's 127.0.0.1), serving a directory. */
export function crossSiteAmocrm(): Omit<AmocrmEmulatorOptions, "port"> & { widgetsDir: string } {
  return { publicHost: "localhost", widgetsDir: mkdtempSync(path.join(tmpdir(), "amango-widgets-")) };
}

/** The archive the portal offers (`/api/widget/download`, APP_URL baked in), unpacked for the emulator. */
export async function installPortalWidget(appUrl: string, widgetsDir: string): Promise<void> {
  const zip = await fetch(`${appUrl}/api/widget/download`);
  expect(zip.status).toBe(200);
  const dir = path.join(widgetsDir, WIDGET_DIR);
  for (const [name, bytes] of unpackWidgetZip(new Uint8Array(await zip.arrayBuffer()))) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), bytes);
  }
}

/** The stand-in page of an account running the widget the emulator serves. */
export function standInUrl(amoUrl: string, params: Record<string, string>): string {
  const q = new URLSearchParams({ widget: `${amoUrl}/__widgets/${WIDGET_DIR}`, ...params });
  return `${amoUrl}/a/demo/__widget-host?${q}`;
}

/**
 * Gives the browser a `SameSite=None; Secure` cookie of the portal's site (as if the user had visited it) and
 * records every request any frame makes to the portal's widget pages and endpoints.
 */
export async function watchPortalRequests(context: BrowserContext, appUrl: string): Promise<PwRequest[]> {
  // By domain and path: Chromium refuses a Secure cookie given by an http:// URL, though it keeps and sends
  // Secure cookies of loopback hosts (potentially trustworthy origins).
  await context.addCookies([
    {
      name: PROBE_COOKIE,
      value: "1",
      domain: new URL(appUrl).hostname,
      path: "/",
      sameSite: "None",
      secure: true,
    },
  ]);
  expect((await context.cookies(appUrl)).map((c) => c.name)).toContain(PROBE_COOKIE);
  const seen: PwRequest[] = [];
  context.on("request", (r) => {
    if (r.url().startsWith(`${appUrl}/widget/`) || r.url().startsWith(`${appUrl}/api/widget/`)) seen.push(r);
  });
  return seen;
}

/** The Cookie header each recorded request went out with ("" when none). */
export async function cookiesSent(requests: PwRequest[]): Promise<string[]> {
  return Promise.all(requests.map(async (r) => (await r.allHeaders()).cookie ?? ""));
}

/** Opens the stand-in and waits for the widget to be loaded by it. */
export async function openStandIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator("#host-status", { hasText: "загружен" }).waitFor({ timeout: 15_000 });
}
