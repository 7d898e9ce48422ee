import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { fakeFetch, jsonResponse, sample, sampleText } from "@/test/amocrm-samples";
import { AmocrmOAuthError } from "./errors";
import {
  accountBaseUrlFromReferer,
  apiDomainOf,
  buildAuthorizeUrl,
  exchangeCode,
  getAccountSubdomain,
  isAllowedAmocrmBaseUrl,
  isAllowedAmocrmHost,
  refreshTokens,
} from "./oauth";
import { verifyDisconnectHook, verifyWidgetToken, WidgetTokenError } from "./widget-auth";

const client = {
  baseUrl: "https://example.amocrm.ru",
  clientId: "xxxx",
  clientSecret: "secret",
  redirectUri: "https://test.test",
};

describe("authorize URL", () => {
  it("carries client_id, state and mode; the base is overridable", () => {
    const url = new URL(buildAuthorizeUrl({ clientId: "cid", state: "s1", mode: "popup" }));
    expect(url.origin + url.pathname).toBe("https://www.amocrm.ru/oauth");
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: "cid", state: "s1", mode: "popup" });
    const emu = buildAuthorizeUrl({ clientId: "cid", state: "s", authorizeUrl: "http://127.0.0.1:9/oauth" });
    expect(emu).toBe("http://127.0.0.1:9/oauth?client_id=cid&state=s&mode=post_message");
  });
});

describe("host allow-list", () => {
  it("accepts amoCRM and Kommo account hosts only", () => {
    for (const ok of ["demo.amocrm.ru", "DEMO.amocrm.com", "shop.kommo.com", "api-b.amocrm.ru"]) {
      expect(isAllowedAmocrmHost(ok)).toBe(true);
    }
    for (const bad of [
      "evil.com",
      "amocrm.ru",
      "demo.amocrm.ru.evil.com",
      "evilamocrm.ru",
      "a.b.amocrm.ru",
      "demo.amocrm.ru:8443",
      "127.0.0.1:4010",
    ]) {
      expect(isAllowedAmocrmHost(bad)).toBe(false);
    }
    expect(isAllowedAmocrmHost("127.0.0.1:4010", { emulatorBase: "http://127.0.0.1:4010" })).toBe(true);
    expect(isAllowedAmocrmHost("127.0.0.1:4011", { emulatorBase: "http://127.0.0.1:4010" })).toBe(false);
  });

  it("accepts only https account base URLs, or the emulator's accounts", () => {
    expect(isAllowedAmocrmBaseUrl("https://demo.amocrm.ru")).toBe(true);
    expect(isAllowedAmocrmBaseUrl("http://demo.amocrm.ru")).toBe(false);
    expect(isAllowedAmocrmBaseUrl("https://user@demo.amocrm.ru")).toBe(false);
    expect(isAllowedAmocrmBaseUrl("https://demo.amocrm.ru/somewhere")).toBe(false);
    const emulatorBase = "http://127.0.0.1:4010";
    expect(isAllowedAmocrmBaseUrl("http://127.0.0.1:4010/a/demo", { emulatorBase })).toBe(true);
    expect(isAllowedAmocrmBaseUrl("http://127.0.0.1:4010/other", { emulatorBase })).toBe(false);
  });

  it("turns the redirect's referer into the account base URL", () => {
    expect(accountBaseUrlFromReferer("subdomain.amocrm.ru")).toBe("https://subdomain.amocrm.ru");
    expect(accountBaseUrlFromReferer("evil.example.com")).toBeNull();
    expect(accountBaseUrlFromReferer("www.amocrm.ru")).toBeNull();
    const emulatorBase = "http://127.0.0.1:4010";
    expect(accountBaseUrlFromReferer("127.0.0.1:4010/a/demo", { emulatorBase })).toBe(
      "http://127.0.0.1:4010/a/demo",
    );
    expect(accountBaseUrlFromReferer("127.0.0.1:4010/a/demo")).toBeNull();
  });
});

describe("token endpoint", () => {
  it("exchanges a code with the documented body and computes the expiry", async () => {
    const f = fakeFetch(() => jsonResponse(200, sample("oauth-token-response.json")));
    const pair = await exchangeCode({ ...client, code: "xxxxxxx", fetch: f.fetch, now: () => 1_000_000 });
    expect(pair).toEqual({
      accessToken: "xxxxxx",
      refreshToken: "xxxxx",
      expiresAt: 1_000_000 + 86_400_000,
    });
    expect(f.calls[0]?.url).toBe("https://example.amocrm.ru/oauth2/access_token");
    // The documented request, field for field (sample oauth-token-request-authorization_code.json).
    expect(f.calls[0]?.body).toEqual({
      ...(sample("oauth-token-request-authorization_code.json") as object),
      client_secret: "secret",
    });
  });

  it("refreshes with grant_type refresh_token", async () => {
    const f = fakeFetch(() => jsonResponse(200, sample("oauth-token-response.json")));
    await refreshTokens({ ...client, refreshToken: "r1", fetch: f.fetch });
    expect(f.calls[0]?.body).toMatchObject({ grant_type: "refresh_token", refresh_token: "r1" });
  });

  it("classifies dead codes and refresh tokens as invalid_grant", async () => {
    for (const file of [
      "oauth-error-code-expired.json",
      "oauth-error-code-revoked.json",
      "oauth-error-cannot-decrypt-code.json",
      "oauth-error-invalid-refresh-token.json",
    ]) {
      const f = fakeFetch(() => jsonResponse(400, sample(file)));
      const err = await refreshTokens({ ...client, refreshToken: "r", fetch: f.fetch }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AmocrmOAuthError);
      expect(err).toMatchObject({ kind: "invalid_grant", status: 400, retryable: false });
    }
    const bad = fakeFetch(() => jsonResponse(400, { hint: "Client authentication failed", status: 400 }));
    await expect(exchangeCode({ ...client, code: "c", fetch: bad.fetch })).rejects.toMatchObject({
      kind: "invalid_client",
    });
    const down = fakeFetch(() => jsonResponse(502, {}));
    await expect(exchangeCode({ ...client, code: "c", fetch: down.fetch })).rejects.toMatchObject({
      kind: "other",
      retryable: true,
    });
  });

  it("never sends the client secret to a non-amoCRM host", async () => {
    const f = fakeFetch(() => jsonResponse(200, sample("oauth-token-response.json")));
    await expect(
      exchangeCode({ ...client, baseUrl: "https://evil.example.com", code: "c", fetch: f.fetch }),
    ).rejects.toThrow(/non-amoCRM host/);
    expect(f.calls).toHaveLength(0);
  });
});

describe("account lookup", () => {
  it("reads the api_domain claim and asks it for the subdomain with X-Refresh-Token", async () => {
    const claims = sample("oauth-access-token-jwt-claims.redacted.json") as Record<string, unknown>;
    const { _header, ...payload } = claims;
    const token = await new SignJWT(payload).setProtectedHeader({ alg: "HS256" }).sign(new Uint8Array(32));
    expect(apiDomainOf(token)).toBe("api-b.amocrm.ru");
    expect(apiDomainOf("not-a-jwt")).toBeNull();

    const f = fakeFetch(() => jsonResponse(200, sample("oauth-account-subdomain-response.json")));
    const acc = await getAccountSubdomain({
      apiBaseUrl: "https://api-b.amocrm.ru",
      refreshToken: "rt",
      fetch: f.fetch,
    });
    expect(acc).toEqual({
      id: 123456,
      subdomain: "account_subdomain",
      domain: "account_subdomain.amocrm.ru",
      topLevelDomain: "ru",
    });
    expect(f.calls[0]).toMatchObject({
      url: "https://api-b.amocrm.ru/oauth2/account/current/subdomain",
      headers: { "x-refresh-token": "rt" },
    });
  });
});

describe("disposable widget token", () => {
  // The reference's test vector: HS256 with "test_client_secret", aud https://integration.example.com.
  const vector = sampleText("widget-disposable-token-request.CONSTRUCTED.txt");
  const token = /X-Auth-Token: (\S+)/.exec(vector)?.[1] ?? "";
  const p = {
    clientId: "00000000-0000-4000-8000-0000000000aa",
    clientSecret: "test_client_secret",
    redirectUri: "https://integration.example.com/api/auth/callback/amocrm",
    now: new Date(1594205000 * 1000),
  };

  it("verifies the test vector and returns account and user", async () => {
    expect(await verifyWidgetToken(token, p)).toEqual({
      accountId: 12345678,
      userId: 87654321,
      subdomain: "subdomain",
      isAdmin: false,
      jti: "d628f123-5123-473e-a123-ed123ef31f8f",
      issuer: "https://subdomain.amocrm.ru",
      expiresAt: new Date(1594206045 * 1000),
    });
  });

  it("refuses expired, foreign-audience, wrong-secret and other-integration tokens", async () => {
    const reason = (promise: Promise<unknown>) =>
      promise.then(
        () => "accepted",
        (e: unknown) => (e instanceof WidgetTokenError ? e.reason : String(e)),
      );
    expect(await reason(verifyWidgetToken(token, { ...p, now: new Date((1594206045 + 61) * 1000) }))).toBe(
      "expired",
    );
    expect(
      await reason(verifyWidgetToken(token, { ...p, redirectUri: "https://other.example.com/cb" })),
    ).toBe("invalid_audience");
    expect(await reason(verifyWidgetToken(token, { ...p, clientSecret: "nope" }))).toBe("invalid_signature");
    expect(await reason(verifyWidgetToken(token, { ...p, clientId: "someone-else" }))).toBe("invalid_claims");

    const key = new TextEncoder().encode(p.clientSecret);
    const foreignIss = await new SignJWT({ account_id: 1, user_id: 2, client_uuid: p.clientId })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("https://evil.example.com")
      .setAudience("https://integration.example.com")
      .setExpirationTime(1594206045)
      .sign(key);
    expect(await reason(verifyWidgetToken(foreignIss, p))).toBe("invalid_claims");
    const hs512 = await new SignJWT({ account_id: 1, user_id: 2, client_uuid: p.clientId })
      .setProtectedHeader({ alg: "HS512" })
      .setIssuer("https://subdomain.amocrm.ru")
      .setAudience("https://integration.example.com")
      .setExpirationTime(1594206045)
      .sign(new Uint8Array(64).fill(1));
    expect(await reason(verifyWidgetToken(hs512, p))).toBe("invalid_signature");
  });
});

describe("uninstall hook", () => {
  const vector = sampleText("oauth-disconnect-hook-request.CONSTRUCTED.txt");
  const query = new URL(/GET (\S+)/.exec(vector)?.[1] ?? "").searchParams;
  const p = { clientId: "00000000-0000-4000-8000-0000000000aa", clientSecret: "test_client_secret" };

  it("accepts the reference's test vector", () => {
    expect(verifyDisconnectHook(query, p)).toEqual({ accountId: 12345678 });
  });

  it("refuses a forged signature, another client or missing parameters", () => {
    const forged = new URLSearchParams(query);
    forged.set("account_id", "12345679");
    expect(verifyDisconnectHook(forged, p)).toBeNull();
    expect(verifyDisconnectHook(query, { ...p, clientSecret: "other" })).toBeNull();
    expect(verifyDisconnectHook(query, { ...p, clientId: "another" })).toBeNull();
    expect(verifyDisconnectHook({ account_id: "12345678", client_uuid: p.clientId }, p)).toBeNull();
  });
});
