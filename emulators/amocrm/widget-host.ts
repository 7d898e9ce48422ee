// A page that stands in for amoCRM's front end (reference §4): it loads a widget package (manifest.json,
// i18n/<lang>.json, script.js as an AMD module) and runs its callbacks with a subset of the JS SDK.
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import type { Emu } from "./context";
import { fail, problem } from "./errors";
import { html, json, type Req, type Res } from "./http";
import type { Account } from "./state";
import { mintDisposableToken } from "./tokens";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const SESSION_COOKIE = "amo_emu_session";

const MIME: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/**
 * Static files: the SDK script, the fixture widgets (so a test needs no second server) and, under
 * `/__widgets/`, the directory the emulator was started with (`widgetsDir`: e.g. the demo's built widget).
 */
export async function widgetHostAsset(path: string, widgetsDir?: string): Promise<Res> {
  const mounts: [string, string | undefined][] = [
    ["/__fixtures/", join(HERE, "fixtures")],
    ["/__widgets/", widgetsDir],
    ["/__widget-host-assets/", join(HERE, "widget-host")],
  ];
  const mount = mounts.find(([prefix]) => path.startsWith(prefix));
  if (!mount?.[1]) return problem(404, "Not found");
  const [root, rel] = [normalize(mount[1]), path.slice(mount[0].length)];
  const file = normalize(join(root, decodeURIComponent(rel)));
  if (!file.startsWith(root) || file === root) return problem(404, "Not found");
  try {
    const raw = await readFile(file);
    return {
      status: 200,
      contentType: MIME[extname(file)] ?? "application/octet-stream",
      raw,
      headers: { "access-control-allow-origin": "*", "cache-control": "no-store" },
    };
  } catch {
    return problem(404, "Not found");
  }
}

/** The user id of the browser session the host page opened, if the cookie belongs to this account. */
export function sessionUser(emu: Emu, req: Req, sub: string): number | null {
  const cookie = String(req.headers.cookie ?? "");
  const m = new RegExp(`${SESSION_COOKIE}=([a-z0-9-]+)\\.(\\d+)`).exec(cookie);
  if (!m || m[1] !== sub) return null;
  const acc = emu.state.accounts[sub];
  const id = Number(m[2]);
  return acc?.users.some((u) => u.id === id) ? id : null;
}

const escJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");

function pageData(emu: Emu, acc: Account, userId: number, q: URLSearchParams) {
  const user = acc.users.find((u) => u.id === userId) ?? acc.users[0];
  let override: Record<string, unknown> = {};
  try {
    override = JSON.parse(q.get("settings") ?? "{}") as Record<string, unknown>;
  } catch {
    override = {};
  }
  return {
    base: `${emu.publicBaseUrl}/a/${acc.subdomain}`,
    widgetUrl: (q.get("widget") ?? "").replace(/\/$/, ""),
    clientId: q.get("client_id") ?? Object.keys(emu.state.integrations)[0] ?? null,
    lang: q.get("lang") ?? "ru",
    area: q.get("area") ?? "clist",
    account: { id: acc.id, subdomain: acc.subdomain, name: acc.name, currency: "RUB", language: "ru" },
    user: { id: user?.id, name: user?.name, login: user?.email, is_admin: user?.is_admin ?? false },
    managers: Object.fromEntries(
      acc.users.map((u) => [u.id, { id: u.id, title: u.name, active: u.is_active }]),
    ),
    installs: Object.fromEntries(acc.widgets.map((w) => [w.code, w.settings])),
    override,
  };
}

export async function widgetHost(emu: Emu, acc: Account, req: Req): Promise<Res> {
  const sub = req.path.slice("/__widget-host".length);
  if (sub === "/settings" && req.method === "POST") {
    // Persists what the settings modal saved (the real UI stores widget settings per account).
    if (sessionUser(emu, req, acc.subdomain) === null) fail(401, "No session");
    const b = JSON.parse(req.rawBody || "{}") as { code?: string; settings?: Record<string, unknown> };
    if (!b.code) fail(400, "code required");
    let w = acc.widgets.find((x) => x.code === b.code);
    if (!w) {
      w = {
        id: acc.widgets.length + 1000,
        code: b.code,
        version: "1.0.0",
        settings_template: [],
        client_uuid: null,
        is_active_in_account: true,
        settings: {},
      };
      acc.widgets.push(w);
    }
    w.settings = b.settings ?? {};
    w.is_active_in_account = true;
    return json({ ok: true });
  }
  if (sub === "/token" && req.method === "POST") {
    // Backs $authorizedAjax: a disposable token for the session user (reference §3).
    const userId = sessionUser(emu, req, acc.subdomain);
    if (userId === null) fail(401, "No session");
    const b = JSON.parse(req.rawBody || "{}") as { client_id?: string };
    const integ = emu.state.integrations[b.client_id ?? Object.keys(emu.state.integrations)[0] ?? ""];
    if (!integ) fail(404, "Unknown integration");
    const { token } = await mintDisposableToken(emu, acc, integ, { userId });
    return json({ token });
  }
  if (sub !== "" && sub !== "/") return problem(404, "Not found");
  const userId = Number(req.url.searchParams.get("user_id") ?? acc.current_user_id);
  const data = pageData(emu, acc, userId, req.url.searchParams);
  // The stage a DP action is being configured on: amoCRM's pipeline editor has it on the page around the
  // action's settings; here the test names it (digits only, since it lands in the markup).
  const dpAttrs = (["pipeline", "status"] as const)
    .map((k) => [k, req.url.searchParams.get(`dp_${k}_id`) ?? ""] as const)
    .filter(([, v]) => /^\d{1,12}$/.test(v))
    .map(([k, v]) => ` data-${k}-id="${v}"`)
    .join("");
  const res = html(`<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>amoCRM (эмулятор) — ${acc.name}</title>
<style>
body{font-family:sans-serif;margin:0;background:#f5f5f5}
header{background:#1a3a5a;color:#fff;padding:10px 16px}
main{display:flex;gap:16px;padding:16px}
#widget-area,#settings-area,#dp-settings-area{background:#fff;border:1px solid #ddd;padding:12px;min-width:280px}
#notifications{position:fixed;right:16px;top:56px;width:340px;display:flex;flex-direction:column;gap:8px}
.notification{background:#fff;border-left:4px solid #4c8bf7;box-shadow:0 2px 6px rgba(0,0,0,.2);padding:10px}
.notification-call{border-left-color:#2ebd59}.notification-error{border-left-color:#e53935}
.notification .n-header{font-weight:bold}
iframe{border:1px solid #ccc;width:100%;min-height:160px}
</style></head><body>
<header>amoCRM — ${acc.subdomain} · <span id="host-user"></span> <span id="host-status">загрузка виджета…</span></header>
<main>
<section id="widget-area"><h3>Виджет</h3><div id="widget-root" class="widget-root"></div>
<p><button id="open-settings" type="button">Настройки виджета</button>
<button id="open-dp-settings" type="button">Настройки в Digital Pipeline</button></p></section>
<section id="settings-area" hidden><h3>Настройки</h3><div class="widget_settings_block"></div>
<button id="save-settings" type="button">Сохранить</button></section>
<section id="dp-settings-area" hidden><h3>Digital Pipeline</h3><div class="digital-pipeline__settings"${dpAttrs}></div></section>
</main>
<div id="notifications" aria-live="polite"></div>
<script>window.__EMU__=${escJson(data)};</script>
<script src="/__widget-host-assets/libs.js"></script>
<script src="/__widget-host-assets/sdk.js"></script>
</body></html>`);
  res.headers = {
    "set-cookie": `${SESSION_COOKIE}=${acc.subdomain}.${data.user.id}; Path=/a/${acc.subdomain}; SameSite=Lax`,
  };
  return res;
}
