// Integration-test support: the amoCRM emulator on a free port, and its consent screen driven over plain HTTP
// the way a browser would (GET the page, submit the form, read the redirect).
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_REDIRECT_URI,
  type RunningAmocrmEmulator,
  startAmocrmEmulator,
} from "@/emulators/amocrm/server";
import {
  accountBaseUrlFromReferer,
  buildAuthorizeUrl,
  exchangeCode,
  type TokenPair,
} from "@/server/amocrm/oauth";

export { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REDIRECT_URI };

export async function startEmulator(): Promise<RunningAmocrmEmulator> {
  return startAmocrmEmulator({ port: 0 });
}

export async function control(emu: RunningAmocrmEmulator, path: string, body?: unknown, method = "POST") {
  const res = await fetch(`${emu.url}/__control${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

/** Every hidden input of the consent form, as a browser would submit them. */
function hiddenInputs(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    out[m[1] ?? ""] = (m[2] ?? "").replace(/&amp;/g, "&").replace(/&quot;/g, '"');
  }
  return out;
}

/** GET /oauth → press «Разрешить» for `subdomain` → the redirect's query (code, state, referer, platform). */
export async function consent(
  emu: RunningAmocrmEmulator,
  o: { subdomain?: string; state?: string; decision?: "allow" | "deny" } = {},
): Promise<URLSearchParams> {
  const authorize = buildAuthorizeUrl({
    clientId: DEMO_CLIENT_ID,
    state: o.state ?? "csrf-1",
    authorizeUrl: `${emu.url}/oauth`,
  });
  const page = await fetch(authorize);
  if (page.status !== 200) throw new Error(`consent page ${page.status}`);
  const html = await page.text();
  const accounts = [...html.matchAll(/name="account" value="([^"]+)"/g)].map((m) => m[1]);
  const subdomain = o.subdomain ?? "demo";
  if (!accounts.includes(subdomain))
    throw new Error(`account ${subdomain} not offered: ${accounts.join(",")}`);
  const form = new URLSearchParams({
    ...hiddenInputs(html),
    account: subdomain,
    decision: o.decision ?? "allow",
  });
  const res = await fetch(`${emu.url}/oauth`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    redirect: "manual",
  });
  const location = res.headers.get("location");
  if (res.status !== 302 || !location) throw new Error(`consent answered ${res.status}`);
  const target = new URL(location);
  if (target.origin + target.pathname !== DEMO_REDIRECT_URI) throw new Error(`redirected to ${location}`);
  return target.searchParams;
}

/** The whole flow: consent → account base URL from `referer` → code exchanged for a token pair. */
export async function connect(
  emu: RunningAmocrmEmulator,
  subdomain = "demo",
): Promise<{ baseUrl: string; pair: TokenPair }> {
  const q = await consent(emu, { subdomain });
  const baseUrl = accountBaseUrlFromReferer(q.get("referer") ?? "", { emulatorBase: emu.url });
  if (!baseUrl) throw new Error(`referer not accepted: ${q.get("referer")}`);
  const pair = await exchangeCode({
    baseUrl,
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    redirectUri: DEMO_REDIRECT_URI,
    code: q.get("code") ?? "",
    emulatorBase: emu.url,
  });
  return { baseUrl, pair };
}
