import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAmocrmEmulator } from "@/emulators/amocrm/server";
import {
  connect,
  consent,
  control,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_REDIRECT_URI,
  startEmulator,
} from "@/test/amocrm-emulator";
import { createAmocrmClient } from "./api";
import { AmocrmOAuthError } from "./errors";
import {
  accountBaseUrlFromReferer,
  apiDomainOf,
  exchangeCode,
  getAccountSubdomain,
  refreshTokens,
} from "./oauth";
import { createRateLimiter } from "./rate-limit";
import { verifyDisconnectHook, verifyWidgetToken } from "./widget-auth";

let emu: RunningAmocrmEmulator;
const integration = {
  clientId: DEMO_CLIENT_ID,
  clientSecret: DEMO_CLIENT_SECRET,
  redirectUri: DEMO_REDIRECT_URI,
};

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.close();
});

describe("OAuth code flow against the emulator", () => {
  it("consents over HTTP, exchanges the code once, and the token works", async () => {
    const q = await consent(emu, { state: "csrf-42" });
    expect(q.get("state")).toBe("csrf-42");
    const baseUrl = accountBaseUrlFromReferer(q.get("referer") ?? "", { emulatorBase: emu.url });
    expect(baseUrl).toBe(`${emu.url}/a/demo`);
    const code = q.get("code") ?? "";
    const pair = await exchangeCode({ ...integration, baseUrl: baseUrl!, code, emulatorBase: emu.url });
    expect(pair.expiresAt - Date.now()).toBeGreaterThan(86_000_000);

    const client = createAmocrmClient({ baseUrl: baseUrl!, getAccessToken: () => pair.accessToken });
    expect((await client.getAccount()).id).toBe(28805383);

    // Codes are single use: the second exchange is a dead grant, not a configuration problem.
    const again = await exchangeCode({
      ...integration,
      baseUrl: baseUrl!,
      code,
      emulatorBase: emu.url,
    }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(AmocrmOAuthError);
    expect(again).toMatchObject({ kind: "invalid_grant", hint: "Authorization code has been revoked" });
  });

  it("reports a refused consent as access_denied", async () => {
    const q = await consent(emu, { decision: "deny", state: "s-deny" });
    expect(q.get("error")).toBe("access_denied");
    expect(q.get("state")).toBe("s-deny");
    expect(q.get("code")).toBeNull();
  });

  it("rotates refresh tokens: the old one dies, the new pair works", async () => {
    const { baseUrl, pair } = await connect(emu);
    const next = await refreshTokens({
      ...integration,
      baseUrl,
      refreshToken: pair.refreshToken,
      emulatorBase: emu.url,
    });
    expect(next.refreshToken).not.toBe(pair.refreshToken);
    expect(next.accessToken).not.toBe(pair.accessToken);

    const reused = refreshTokens({
      ...integration,
      baseUrl,
      refreshToken: pair.refreshToken,
      emulatorBase: emu.url,
    });
    await expect(reused).rejects.toMatchObject({ kind: "invalid_grant", hint: "Invalid refresh token" });

    const wrongSecret = refreshTokens({
      ...integration,
      clientSecret: "nope",
      baseUrl,
      refreshToken: next.refreshToken,
      emulatorBase: emu.url,
    });
    await expect(wrongSecret).rejects.toMatchObject({ kind: "invalid_client" });

    const client = createAmocrmClient({ baseUrl, getAccessToken: () => next.accessToken });
    expect((await client.listUsers()).length).toBeGreaterThan(0);
  });

  it("finds the account of a refresh token through the api_domain of the access token", async () => {
    const { pair } = await connect(emu);
    const apiDomain = apiDomainOf(pair.accessToken);
    expect(apiDomain).toBe(new URL(emu.url).host);
    const acc = await getAccountSubdomain({
      apiBaseUrl: `${new URL(emu.url).protocol}//${apiDomain}`,
      refreshToken: pair.refreshToken,
      emulatorBase: emu.url,
    });
    expect(acc).toMatchObject({ id: 28805383, subdomain: "demo" });
  });

  it("refreshes on 401 once the access token has expired, through onUnauthorized", async () => {
    const { baseUrl, pair } = await connect(emu);
    let current = pair;
    let refreshes = 0;
    const client = createAmocrmClient({
      baseUrl,
      rateLimiter: createRateLimiter(),
      getAccessToken: () => current.accessToken,
      onUnauthorized: async () => {
        refreshes++;
        current = await refreshTokens({
          ...integration,
          baseUrl,
          refreshToken: current.refreshToken,
          emulatorBase: emu.url,
        });
      },
    });
    await control(emu, "/clock", { advance: "+25 h" });
    try {
      const [a, b] = await Promise.all([client.listPipelines(), client.getAccount()]);
      expect(a.length).toBeGreaterThan(0);
      expect(b.subdomain).toBe("demo");
      expect(refreshes).toBe(1);
    } finally {
      await control(emu, "/clock", { reset: true });
    }
  });
});

describe("requests amoCRM makes to us", () => {
  it("verifies a disposable widget token minted by the emulator", async () => {
    const { body } = await control(emu, "/disposable-token", { subdomain: "demo" });
    const { token } = body as { token: string };
    const who = await verifyWidgetToken(token, { ...integration, emulatorBase: emu.url });
    expect(who).toMatchObject({ accountId: 28805383, userId: 504141, subdomain: "demo", isAdmin: true });
    // Without the emulator in the allow-list its issuer is not an amoCRM account.
    await expect(verifyWidgetToken(token, integration)).rejects.toMatchObject({ reason: "invalid_claims" });
  });

  it("verifies the uninstall hook, after which the tokens are dead", async () => {
    const { baseUrl, pair } = await connect(emu);
    const hits: URLSearchParams[] = [];
    const receiver = createServer((req, res) => {
      hits.push(new URL(req.url ?? "/", "http://x").searchParams);
      res.end("ok");
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const port = (receiver.address() as AddressInfo).port;
    try {
      await control(emu, "/uninstall", {
        subdomain: "demo",
        url: `http://127.0.0.1:${port}/api/amocrm/disconnect`,
      });
      expect(hits).toHaveLength(1);
      expect(verifyDisconnectHook(hits[0]!, integration)).toEqual({ accountId: 28805383 });
      expect(verifyDisconnectHook(hits[0]!, { ...integration, clientSecret: "other" })).toBeNull();
    } finally {
      receiver.closeAllConnections();
      await new Promise((r) => receiver.close(r));
    }

    // The client's 401 path: one refresh attempt, which fails as a dead grant (the tenant must reconnect).
    const client = createAmocrmClient({
      baseUrl,
      getAccessToken: () => pair.accessToken,
      onUnauthorized: () =>
        refreshTokens({ ...integration, baseUrl, refreshToken: pair.refreshToken, emulatorBase: emu.url }),
    });
    await expect(client.getAccount()).rejects.toMatchObject({ kind: "invalid_grant" });
  });
});
