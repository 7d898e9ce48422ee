import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/** Debian's Chromium; Playwright's own browser download cannot work on these machines. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Screenshots and other artifacts land here (kept by CI as test artifacts). */
export const ARTIFACTS_DIR = "test-results/artifacts";

/**
 * A Chromium profile that blocks third-party cookies, as Chrome's «Block third-party cookies» setting does
 * (and as Safari and Firefox do by default). The setting is a profile preference, so the browser runs on a
 * fresh user-data directory seeded with it; `block: false` gives the same profile allowing them, for a
 * control. Prove the block in a test (see e2e/widget-stand-in.ts) rather than trusting the flag.
 */
export async function launchChromiumProfile({
  blockThirdPartyCookies,
}: {
  blockThirdPartyCookies: boolean;
}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "amango-chromium-"));
  await mkdir(path.join(dir, "Default"));
  const profile = blockThirdPartyCookies
    ? { block_third_party_cookies: true, cookie_controls_mode: 1 }
    : { block_third_party_cookies: false, cookie_controls_mode: 0 };
  await writeFile(path.join(dir, "Default", "Preferences"), JSON.stringify({ profile }));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A Russian-locale page signed in through the development path as `ownerName`, landed on «Обзор». Page
 * errors (and console errors unless `consoleErrors: false`, for pages that embed emulator pages whose
 * own console noise is not ours) are pushed to `errors`, which the test asserts empty at its end.
 */
export async function signedInOwnerPage(
  browser: Browser,
  opts: {
    baseURL: string;
    ownerName: string;
    errors: string[];
    viewport?: { width: number; height: number };
    consoleErrors?: boolean;
  },
): Promise<Page> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1440, height: 1000 },
    baseURL: opts.baseURL,
    locale: "ru-RU",
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("pageerror", (err) => opts.errors.push(`pageerror ${page.url()}: ${err.message}`));
  if (opts.consoleErrors !== false) {
    page.on("console", (msg) => {
      if (msg.type() === "error") opts.errors.push(`console ${page.url()}: ${msg.text()}`);
    });
  }
  await page.goto("/login");
  await page.getByRole("button", { name: `Войти как ${opts.ownerName}` }).click();
  await page.waitForURL("**/overview");
  return page;
}

/** Picks `option` in the combobox labelled `combobox` (a shadcn Select: open, then click the option). */
export async function chooseOption(page: Page, combobox: string, option: string | RegExp): Promise<void> {
  await page.getByRole("combobox", { name: combobox, exact: true }).click();
  await page
    .getByRole("option", typeof option === "string" ? { name: option, exact: true } : { name: option })
    .first()
    .click();
}
