// OAuth 2.0 flow and its documented failures (reference §2): consent page → code → tokens → refresh rotation.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REDIRECT_URI } from "./seed";
import { call, exchange, type Harness, startHarness } from "./test-support";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emu.close();
});
beforeEach(async () => {
  await h.control("/reset");
});

const OAUTH_TYPE = "https://developers.amocrm.ru/v3/errors/OAuthProblemJson";
const hint = (r: { body: unknown }) => (r.body as { hint: string }).hint;
const code = async (sub = "demo") =>
  ((await h.control("/oauth/code", { subdomain: sub })).body as { code: string }).code;

/** Drives the consent page like a user: GET /oauth, pick the account, press "Разрешить". */
async function consent(state: string, account = "demo"): Promise<URL> {
  const page = await call(`${h.emu.url}/oauth?client_id=${DEMO_CLIENT_ID}&state=${state}&mode=post_message`);
  expect(page.status).toBe(200);
  expect(page.text).toContain("Разрешить");
  expect(page.text).toContain(`value="${account}"`);
  const r = await call(`${h.emu.url}/oauth`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: DEMO_CLIENT_ID,
      state,
      mode: "post_message",
      account,
      decision: "allow",
    }).toString(),
  });
  expect(r.status).toBe(302);
  return new URL(r.headers.get("location") ?? "");
}

describe("authorization code flow", () => {
  it("consent redirects with code, state, referer and platform; the code buys a token pair", async () => {
    const loc = await consent("csrf-123");
    expect(`${loc.origin}${loc.pathname}`).toBe(DEMO_REDIRECT_URI);
    expect(loc.searchParams.get("state")).toBe("csrf-123");
    expect(loc.searchParams.get("platform")).toBe("1");
    const referer = loc.searchParams.get("referer") ?? "";
    expect(referer).toBe(`${new URL(h.emu.url).host}/a/demo`);
    const r = await exchange(`http://${referer}`, {
      grant_type: "authorization_code",
      code: loc.searchParams.get("code") ?? "",
    });
    expect(r.status).toBe(200);
    const body = r.body as {
      token_type: string;
      expires_in: number;
      access_token: string;
      refresh_token: string;
    };
    expect(body.token_type).toBe("Bearer");
    expect(body.expires_in).toBe(86400);
    const me = await h.api("GET", "/api/v4/account", undefined, { token: body.access_token });
    expect(me.status).toBe(200);
    expect((me.body as { subdomain: string }).subdomain).toBe("demo");
  });

  it("'Отказать' redirects with error=access_denied and the state", async () => {
    const r = await call(`${h.emu.url}/oauth`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: DEMO_CLIENT_ID,
        state: "s1",
        account: "demo",
        decision: "deny",
      }).toString(),
    });
    const loc = new URL(r.headers.get("location") ?? "");
    expect(loc.searchParams.get("error")).toBe("access_denied");
    expect(loc.searchParams.get("state")).toBe("s1");
    expect(loc.searchParams.has("code")).toBe(false);
  });

  it("a token of one account is refused by another", async () => {
    const { access_token } = await h.login("demo");
    const r = await h.api("GET", "/api/v4/leads", undefined, { sub: "other", token: access_token });
    expect(r.status).toBe(401);
  });
});

describe("documented OAuth errors", () => {
  it("wrong client secret → 400 OAuthProblemJson", async () => {
    const r = await exchange(h.base(), {
      grant_type: "authorization_code",
      code: await code(),
      client_secret: "wrong",
    });
    expect(r.status).toBe(400);
    expect((r.body as { type: string }).type).toBe(OAUTH_TYPE);
    expect(hint(r)).toBe("Client authentication failed");
  });

  it("wrong redirect URI → 400", async () => {
    const r = await exchange(h.base(), {
      grant_type: "authorization_code",
      code: await code(),
      redirect_uri: "https://evil.example/cb",
    });
    expect(r.status).toBe(400);
    expect(hint(r)).toBe("Invalid redirect URI");
  });

  it("code older than 20 minutes (clock +21 min) → 'Authorization code has expired'", async () => {
    const c = await code();
    await h.control("/clock", { offset: "+21 min" });
    const r = await exchange(h.base(), { grant_type: "authorization_code", code: c });
    expect(r.status).toBe(400);
    expect(hint(r)).toBe("Authorization code has expired");
  });

  it("a code still works at 19 minutes", async () => {
    const c = await code();
    await h.control("/clock", { offset: "+19 min" });
    const r = await exchange(h.base(), { grant_type: "authorization_code", code: c });
    expect(r.status).toBe(200);
  });

  it("reused code → 'Authorization code has been revoked'", async () => {
    const c = await code();
    expect((await exchange(h.base(), { grant_type: "authorization_code", code: c })).status).toBe(200);
    const r = await exchange(h.base(), { grant_type: "authorization_code", code: c });
    expect(r.status).toBe(400);
    expect(hint(r)).toBe("Authorization code has been revoked");
  });

  it("refresh rotates the refresh token; the used one is refused", async () => {
    const first = await h.login();
    const r1 = await exchange(h.base(), { grant_type: "refresh_token", refresh_token: first.refresh_token });
    expect(r1.status).toBe(200);
    const second = r1.body as { refresh_token: string; access_token: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const again = await exchange(h.base(), {
      grant_type: "refresh_token",
      refresh_token: first.refresh_token,
    });
    expect(again.status).toBe(400);
    expect(hint(again)).toBe("Invalid refresh token");
    const r2 = await exchange(h.base(), { grant_type: "refresh_token", refresh_token: second.refresh_token });
    expect(r2.status).toBe(200);
  });

  it("access token expires after 24 h (clock +24 h) → 401 problem+json", async () => {
    const { access_token } = await h.login();
    expect((await h.api("GET", "/api/v4/leads", undefined, { token: access_token })).status).toBe(200);
    await h.control("/clock", { offset: "+24 h" });
    const r = await h.api("GET", "/api/v4/leads", undefined, { token: access_token });
    expect(r.status).toBe(401);
    expect(r.headers.get("content-type")).toContain("application/problem+json");
    expect(r.body).toMatchObject({ title: "Unauthorized", status: 401, type: "https://httpstatus.es/401" });
  });

  it("missing bearer → 401; unknown client on the consent page → 404 page", async () => {
    expect((await h.api("GET", "/api/v4/leads", undefined, { token: null })).status).toBe(401);
    expect((await call(`${h.emu.url}/oauth?client_id=nope`)).status).toBe(404);
  });

  it("control API can register another integration with its own redirect URI", async () => {
    const reg = await h.control("/integrations", {
      client_id: "c2",
      client_secret: "s2",
      redirect_uris: ["https://app.example/cb"],
    });
    expect(reg.status).toBe(201);
    const c = (
      (await h.control("/oauth/code", { subdomain: "demo", client_id: "c2" })).body as { code: string }
    ).code;
    const ok = await exchange(h.base(), {
      grant_type: "authorization_code",
      code: c,
      client_id: "c2",
      client_secret: "s2",
      redirect_uri: "https://app.example/cb",
    });
    expect(ok.status).toBe(200);
    expect(DEMO_CLIENT_SECRET).not.toBe("s2");
  });
});
