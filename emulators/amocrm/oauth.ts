// OAuth 2.0 as amoCRM does it (reference §2): consent page at /oauth (stands for https://www.amocrm.ru/oauth),
// redirect with code/state/referer/platform, token endpoint /a/<sub>/oauth2/access_token, subdomain lookups.
import type { Emu } from "./context";
import { fail, oauthProblem } from "./errors";
import { html, json, type Req, type Res } from "./http";
import type { Account, Integration, IssuedToken } from "./state";
import { ACCESS_TTL_SEC, CODE_TTL_SEC, mintAccessToken, REFRESH_TTL_SEC, randomToken } from "./tokens";

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/** What amoCRM puts in `referer`: the account host without scheme (here host + /a/<sub>, see README). */
export function refererFor(emu: Emu, acc: Account): string {
  const u = new URL(emu.publicBaseUrl);
  return `${u.host}/a/${acc.subdomain}`;
}

function pickRedirect(integ: Integration, requested: string | null): string | null {
  if (!requested) return integ.redirect_uris[0] ?? null;
  return integ.redirect_uris.includes(requested) ? requested : null;
}

export function consentPage(emu: Emu, req: Req): Res {
  const q = req.url.searchParams;
  const clientId = q.get("client_id") ?? "";
  const integ = emu.state.integrations[clientId];
  if (!integ)
    return html(`<!doctype html><h1>Интеграция не найдена</h1><p>client_id: ${esc(clientId)}</p>`, 404);
  const redirect = pickRedirect(integ, q.get("redirect_uri"));
  if (!redirect)
    return html("<!doctype html><h1>Redirect URI не совпадает с настройками интеграции</h1>", 400);
  const accounts = Object.values(emu.state.accounts)
    .map(
      (a, i) =>
        `<label><input type="radio" name="account" value="${esc(a.subdomain)}"${i === 0 ? " checked" : ""}> ` +
        `${esc(a.name)} (${esc(a.subdomain)})</label><br>`,
    )
    .join("\n");
  const hidden = ["client_id", "state", "mode", "redirect_uri"]
    .map((k) => `<input type="hidden" name="${k}" value="${esc(q.get(k) ?? "")}">`)
    .join("");
  return html(`<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Предоставить доступ — amoCRM (эмулятор)</title>
<style>body{font-family:sans-serif;max-width:560px;margin:40px auto}button{padding:8px 20px;margin-right:8px}</style>
</head><body>
<h1>Интеграция «${esc(integ.name)}» запрашивает доступ</h1>
<p>Доступ к данным аккаунта: сделки, контакты, задачи, уведомления, файлы.</p>
<form method="post" action="/oauth">
${hidden}
<fieldset><legend>Выберите аккаунт</legend>
${accounts}
</fieldset>
<p><button type="submit" name="decision" value="allow" id="allow">Разрешить</button>
<button type="submit" name="decision" value="deny" id="deny">Отказать</button></p>
</form></body></html>`);
}

/** The user pressed "Разрешить"/"Отказать": issue a 20-minute single-use code and redirect. */
export function consentDecision(emu: Emu, req: Req): Res {
  const form = new URLSearchParams(req.rawBody);
  const clientId = form.get("client_id") ?? "";
  const integ = emu.state.integrations[clientId];
  if (!integ) return html("<!doctype html><h1>Интеграция не найдена</h1>", 404);
  const redirect = pickRedirect(integ, form.get("redirect_uri") || null);
  if (!redirect) return html("<!doctype html><h1>Redirect URI не совпадает</h1>", 400);
  const acc = emu.state.accounts[form.get("account") ?? ""];
  if (!acc) return html("<!doctype html><h1>Аккаунт не найден</h1>", 400);
  const state = form.get("state");
  const target = new URL(redirect);
  if (form.get("decision") !== "allow") {
    target.searchParams.set("error", "access_denied");
    if (state) target.searchParams.set("state", state);
  } else {
    const code = randomToken(64);
    emu.state.codes.push({
      code,
      client_id: clientId,
      subdomain: acc.subdomain,
      user_id: acc.current_user_id,
      redirect_uri: redirect,
      expires_at: emu.clock.nowSec() + CODE_TTL_SEC,
      used: false,
    });
    target.searchParams.set("code", code);
    if (state) target.searchParams.set("state", state);
    target.searchParams.set("referer", refererFor(emu, acc));
    target.searchParams.set("platform", "1");
  }
  const url = target.toString();
  if (form.get("mode") === "popup") {
    // popup: the consent window closes and the redirect happens in the main window (reference §2.2).
    const js = JSON.stringify(url);
    return html(`<!doctype html><script>if(window.opener){window.opener.location=${js};window.close()}
else{location=${js}}</script>`);
  }
  return { status: 302, headers: { location: url } };
}

function bodyParams(req: Req): Record<string, string> {
  const ct = String(req.headers["content-type"] ?? "");
  if (ct.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(req.rawBody));
  }
  try {
    const parsed: unknown = JSON.parse(req.rawBody || "{}");
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
    }
  } catch {
    // fall through: treated as missing parameters
  }
  return {};
}

async function issuePair(emu: Emu, acc: Account, clientId: string, userId: number): Promise<Res> {
  const now = emu.clock.nowSec();
  const access = await mintAccessToken(emu, acc, clientId, userId, now);
  const refresh = randomToken(96);
  const base = { client_id: clientId, subdomain: acc.subdomain, user_id: userId, dead: false };
  emu.state.access_tokens.push({ ...base, token: access, expires_at: now + ACCESS_TTL_SEC });
  emu.state.refresh_tokens.push({ ...base, token: refresh, expires_at: now + REFRESH_TTL_SEC });
  const integ = emu.state.integrations[clientId];
  if (integ && !integ.installed_in.includes(acc.subdomain)) integ.installed_in.push(acc.subdomain);
  return json({
    token_type: "Bearer",
    expires_in: ACCESS_TTL_SEC,
    server_time: now,
    access_token: access,
    refresh_token: refresh,
  });
}

export async function tokenEndpoint(emu: Emu, acc: Account, req: Req): Promise<Res> {
  const p = bodyParams(req);
  const now = emu.clock.nowSec();
  for (const k of ["client_id", "client_secret", "grant_type", "redirect_uri"]) {
    if (!p[k]) return oauthProblem(`Check the \`${k}\` parameter`);
  }
  const integ = emu.state.integrations[p.client_id ?? ""];
  // amoCRM answers a bad client with the same 400 OAuthProblemJson (hint names client authentication).
  if (!integ || integ.client_secret !== p.client_secret) return oauthProblem("Client authentication failed");
  if (!integ.redirect_uris.includes(p.redirect_uri ?? "")) return oauthProblem("Invalid redirect URI");

  if (p.grant_type === "authorization_code") {
    const code = emu.state.codes.find((c) => c.code === p.code && c.subdomain === acc.subdomain);
    if (!code) return oauthProblem("Cannot decrypt the authorization code");
    if (code.client_id !== integ.client_id)
      return oauthProblem("Authorization code was not issued to this client");
    if (code.used) return oauthProblem("Authorization code has been revoked");
    if (code.expires_at < now) return oauthProblem("Authorization code has expired");
    if (code.redirect_uri !== p.redirect_uri) return oauthProblem("Invalid redirect URI");
    code.used = true;
    return issuePair(emu, acc, integ.client_id, code.user_id);
  }
  if (p.grant_type === "refresh_token") {
    const rt = emu.state.refresh_tokens.find(
      (t) => t.token === p.refresh_token && t.subdomain === acc.subdomain,
    );
    if (!rt || rt.dead || rt.expires_at < now || rt.client_id !== integ.client_id) {
      return oauthProblem("Invalid refresh token");
    }
    rt.dead = true; // single use: rotated on every refresh (reference §2.5)
    return issuePair(emu, acc, integ.client_id, rt.user_id);
  }
  return oauthProblem("The authorization grant type is not supported by the authorization server.");
}

function subdomainBody(emu: Emu, acc: Account): Res {
  return json({ id: acc.id, subdomain: acc.subdomain, domain: refererFor(emu, acc), top_level_domain: "ru" });
}

/** GET {api_domain}/oauth2/account/current/subdomain with X-Refresh-Token (reference §2.8). */
export function currentSubdomain(emu: Emu, req: Req): Res {
  const raw = req.headers["x-refresh-token"];
  const rt = emu.state.refresh_tokens.find((t) => t.token === raw && !t.dead);
  if (!rt || rt.expires_at < emu.clock.nowSec()) fail(401, "Invalid refresh token");
  const acc = emu.state.accounts[rt.subdomain];
  if (!acc) fail(404, "Account not found");
  return subdomainBody(emu, acc);
}

/** Deprecated GET www.amocrm.ru/oauth2/account/subdomain with a Bearer access token. */
export function legacySubdomain(emu: Emu, req: Req): Res {
  const tok = findAccessToken(emu, req);
  if (!tok) fail(401, "Unauthorized");
  const acc = emu.state.accounts[tok.subdomain];
  if (!acc) fail(404, "Account not found");
  return subdomainBody(emu, acc);
}

export function bearer(req: Req): string | null {
  const h = String(req.headers.authorization ?? "");
  const m = /^Bearer\s+(.+)$/i.exec(h);
  return m?.[1]?.trim() ?? null;
}

/** A live (not revoked, not expired) access token presented in the request, if any. */
export function findAccessToken(emu: Emu, req: Req): IssuedToken | null {
  const token = bearer(req);
  if (!token) return null;
  const t = emu.state.access_tokens.find((x) => x.token === token);
  if (!t || t.dead || t.expires_at <= emu.clock.nowSec()) return null;
  return t;
}
