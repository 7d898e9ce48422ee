import { randomBytes, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amocrmAccountState } from "@/db/schema";
import { onboardingChecklist } from "@/server/onboarding/checklist";
import { createTenant } from "@/server/tenancy/queries";
import { createTestDb, type TestDb } from "@/test/db";
import { handleWidgetEntry, handleWidgetExchange, handleWidgetLaunch, type WidgetHttpConfig } from "./http";
import { readWidgetSession } from "./session";

const APP = "https://app.amango.test";
const ACCOUNT_ID = 28_805_383;
const cfg: WidgetHttpConfig = {
  integration: {
    clientId: "5f3c1e2a-7b4d-4c8e-9a1f-2d3b4c5d6e7f",
    clientSecret: "integration-secret-for-tests",
    redirectUri: `${APP}/api/auth/callback/amocrm`,
  },
  authSecret: randomBytes(32).toString("hex"),
  appUrl: APP,
};

let t: TestDb;
let tenantId: string;

beforeAll(async () => {
  t = await createTestDb();
  const tenant = await createTenant(t.db, {
    amocrmAccountId: ACCOUNT_ID,
    amocrmSubdomain: "demo",
    amocrmBaseUrl: "https://demo.amocrm.ru",
    name: "Демо-компания",
  });
  tenantId = tenant.id;
});
afterAll(() => t?.drop());

/** A disposable token as amoCRM mints it (reference §3, sample widget-disposable-token-claims.json). */
function disposableToken(
  over: { secret?: string; accountId?: number; iatOffsetSec?: number; ttlSec?: number; aud?: string } = {},
) {
  const iat = Math.floor(Date.now() / 1000) + (over.iatOffsetSec ?? 0);
  return new SignJWT({
    account_id: over.accountId ?? ACCOUNT_ID,
    user_id: 504141,
    subdomain: "demo",
    client_uuid: cfg.integration.clientId,
  })
    .setProtectedHeader({ typ: "JWT", alg: "HS256" })
    .setIssuer("https://demo.amocrm.ru")
    .setAudience(over.aud ?? APP)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + (over.ttlSec ?? 1800))
    .sign(new TextEncoder().encode(over.secret ?? cfg.integration.clientSecret));
}

const enterPost = (fields: Record<string, string>) =>
  handleWidgetEntry(
    t.db,
    new Request(`${APP}/api/widget/session`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    }),
    cfg,
  );

const installedAt = async () =>
  (await t.db.select().from(amocrmAccountState).where(eq(amocrmAccountState.tenantId, tenantId)))[0]
    ?.widgetInstalledAt ?? null;

const widgetStep = async () =>
  (await onboardingChecklist(t.db, { id: tenantId, status: "active" })).find((i) => i.key === "widget")!;

/** The page's own fetch (components/widget/session-gate.tsx): same origin, with the source header. */
const OWN_PAGE = {
  "content-type": "application/json",
  "x-trpc-source": "widget",
  "sec-fetch-site": "same-origin",
};
const exchange = (body: unknown, headers: Record<string, string> = OWN_PAGE) =>
  handleWidgetExchange(
    t.db,
    new Request(`${APP}/widget/api/session`, { method: "POST", headers, body: JSON.stringify(body) }),
    cfg,
  );

describe("the widget iframe's entry (/api/widget/session)", () => {
  it.each([
    ["a missing token", async () => ({ area: "settings" }), "invalid"],
    [
      "a forged token",
      async () => ({ area: "settings", token: await disposableToken({ secret: "x" }) }),
      "invalid",
    ],
    [
      "an expired token",
      async () => ({ area: "settings", token: await disposableToken({ iatOffsetSec: -4000 }) }),
      "expired",
    ],
    [
      "another integration's token",
      async () => ({ area: "settings", token: await disposableToken({ aud: "https://other.example" }) }),
      "invalid",
    ],
    ["not a JWT at all", async () => ({ area: "settings", token: "abc.def.ghi" }), "invalid"],
  ])("answers 401 to %s and marks nothing", async (_name, fields, kind) => {
    const res = await enterPost(await fields());
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
    const body = await res.text();
    expect(body).toContain("Нет доступа");
    expect(body).toContain(
      kind === "expired" ? "Срок действия ссылки истёк" : "Ссылка для входа недействительна",
    );
    expect(body).not.toContain("Демо-компания");
    expect(await installedAt()).toBeNull();
  });

  it("answers 401 to a valid token of an account that is no tenant, with a way to connect", async () => {
    const res = await enterPost({
      area: "settings",
      token: await disposableToken({ accountId: 30_441_694 }),
    });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain(`${APP}/login`);
  });

  it("sends a valid token on to the page in the URL fragment, sets no cookie, and is no installation yet", async () => {
    const token = await disposableToken();
    const res = await enterPost({ area: "settings", token });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/widget/settings#${new URLSearchParams({ token })}`);
    expect(res.headers.get("set-cookie")).toBeNull();
    // Opening the settings (a click in amoCRM) is not yet a page that signed in.
    expect(await installedAt()).toBeNull();
    expect((await widgetStep()).done).toBe(false);
  });

  it("accepts the token in the query too, and carries the DP stage (digits only) to the DP page", async () => {
    const token = await disposableToken();
    const q = new URLSearchParams({ token, area: "dp", pipeline_id: "3383152", status_id: "33929755<x>" });
    const res = await handleWidgetEntry(t.db, new Request(`${APP}/api/widget/session?${q}`), cfg);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(
      `/widget/dp?pipeline_id=3383152#${new URLSearchParams({ token })}`,
    );
  });

  it("refuses an unknown area before looking at the token", async () => {
    const res = await enterPost({ area: "admin", token: await disposableToken() });
    expect(res.status).toBe(400);
  });
});

describe("the widget page's exchange (/widget/api/session)", () => {
  it.each([
    ["without the source header (a form or <img> from another site)", { "content-type": "application/json" }],
    ["from another site", { ...OWN_PAGE, "sec-fetch-site": "cross-site" }],
    ["with another Origin", { ...OWN_PAGE, origin: "https://evil.example" }],
  ])("refuses a call %s (403) before looking at the token", async (_name, headers) => {
    const res = await exchange({ area: "settings", token: await disposableToken() }, headers);
    expect(res.status).toBe(403);
    expect(await installedAt()).toBeNull();
  });

  it.each([
    ["a forged token", () => disposableToken({ secret: "x" }), "invalid_signature"],
    ["an expired token", () => disposableToken({ iatOffsetSec: -4000 }), "expired"],
    ["another account's token", () => disposableToken({ accountId: 30_441_694 }), "unknown_account"],
  ])("answers 401 to %s, with no session and nothing marked", async (_name, token, reason) => {
    const res = await exchange({ area: "settings", token: await token() });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: reason });
    expect(await installedAt()).toBeNull();
    expect((await widgetStep()).done).toBe(false);
  });

  it("exchanges a valid token once for a 30-minute session token and marks the widget installed", async () => {
    const token = await disposableToken();
    const res = await exchange({ area: "settings", token });
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as { session: string; expiresAt: string };
    expect(await readWidgetSession(body.session, cfg)).toEqual({
      tenantId,
      accountId: ACCOUNT_ID,
      amocrmUserId: 504141,
    });
    expect(new Date(body.expiresAt).getTime() - Date.now()).toBeGreaterThan(29 * 60_000);
    // Not ours once forged, expired, or for a portal key.
    expect(
      await readWidgetSession(body.session, { authSecret: "another-secret-of-32-characters!!" }),
    ).toBeNull();
    expect(
      await readWidgetSession(body.session, { ...cfg, now: new Date(Date.now() + 31 * 60_000) }),
    ).toBeNull();
    expect(await readWidgetSession(token, cfg)).toBeNull();

    const first = await installedAt();
    expect(first).toBeInstanceOf(Date);
    expect((await widgetStep()).done).toBe(true);

    // The same disposable token cannot open a second session (read from a log, a history entry…).
    const replay = await exchange({ area: "settings", token });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({ error: "replayed" });

    // A later opening (new token, the DP area too) gets a session and keeps the first installation date.
    const again = await exchange({ area: "dp", token: await disposableToken() });
    expect(again.status).toBe(200);
    expect(await installedAt()).toEqual(first);
  });

  it("refuses a malformed body", async () => {
    expect((await exchange({ area: "admin", token: await disposableToken() })).status).toBe(400);
    expect((await exchange({ area: "settings" })).status).toBe(400);
  });
});

describe("the widget's launch call (/api/widget/launch)", () => {
  const launch = (init: RequestInit) =>
    handleWidgetLaunch(t.db, new Request(`${APP}/api/widget/launch`, init), cfg);

  it("lets amoCRM account pages call it (CORS preflight), and no other origin", async () => {
    const ok = await launch({ method: "OPTIONS", headers: { origin: "https://demo.amocrm.ru" } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://demo.amocrm.ru");
    expect(ok.headers.get("access-control-allow-headers")).toContain("X-Auth-Token");
    const evil = await launch({
      method: "OPTIONS",
      headers: { origin: "https://demo.amocrm.ru.evil.example" },
    });
    expect(evil.status).toBe(403);
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers 401 without a valid X-Auth-Token", async () => {
    expect((await launch({ method: "POST" })).status).toBe(401);
    const forged = await disposableToken({ secret: "nope" });
    expect((await launch({ method: "POST", headers: { "x-auth-token": forged } })).status).toBe(401);
  });

  it("hands a valid token back with where the iframe posts it", async () => {
    const token = await disposableToken();
    const res = await launch({
      method: "POST",
      headers: { "x-auth-token": token, origin: "https://demo.amocrm.ru" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(await res.json()).toEqual({ action: `${APP}/api/widget/session`, token });
  });
});
