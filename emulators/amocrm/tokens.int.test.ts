// Disposable widget tokens and the uninstall hook verify with the integration secret as documented (§2.11, §3).
import { createHmac, timingSafeEqual } from "node:crypto";
import { errors, jwtVerify } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REDIRECT_URI } from "./seed";
import { type Harness, startHarness, startReceiver } from "./test-support";

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

const secret = new TextEncoder().encode(DEMO_CLIENT_SECRET);

describe("disposable widget token", () => {
  it("is HS256-signed with the client secret and carries the documented claims", async () => {
    const r = await h.control("/disposable-token", { subdomain: "demo", user_id: 8238874 });
    const { token } = r.body as { token: string };
    // The integration-side check from the reference's TypeScript sketch.
    const { payload, protectedHeader } = await jwtVerify(token, secret, {
      algorithms: ["HS256"],
      audience: new URL(DEMO_REDIRECT_URI).origin,
      clockTolerance: 60,
    });
    expect(protectedHeader).toEqual({ typ: "JWT", alg: "HS256" });
    expect(payload.client_uuid).toBe(DEMO_CLIENT_ID);
    expect(payload.account_id).toBe(DEMO_ACCOUNT_ID);
    expect(payload.user_id).toBe(8238874);
    expect(payload.subdomain).toBe("demo");
    expect(payload.iss).toBe(`${h.emu.url}/a/demo`);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(1800);
    expect(typeof payload.jti).toBe("string");
  });

  it("fails verification with another secret, and is expired after 30 min of emulator time", async () => {
    await h.control("/clock", { offset: "-31 min" });
    const { token } = (await h.control("/disposable-token", { subdomain: "demo" })).body as { token: string };
    await expect(jwtVerify(token, new TextEncoder().encode("wrong-secret"))).rejects.toBeInstanceOf(
      errors.JWSSignatureVerificationFailed,
    );
    await expect(jwtVerify(token, secret, { algorithms: ["HS256"] })).rejects.toBeInstanceOf(
      errors.JWTExpired,
    );
  });

  it("mobile-card frames get extra data claims", async () => {
    const r = await h.control("/disposable-token", {
      subdomain: "demo",
      extra: { data: { entity_type: "leads", entity_id: 167353 } },
    });
    const { payload } = await jwtVerify((r.body as { token: string }).token, secret);
    expect(payload.data).toEqual({ entity_type: "leads", entity_id: 167353 });
  });
});

describe("uninstall (disconnect) hook", () => {
  it("GETs the disconnect URL with account_id, client_uuid and an HMAC-SHA256 signature; tokens are revoked", async () => {
    const { access_token, refresh_token } = await h.login();
    const rx = await startReceiver();
    try {
      await h.control("/integrations", {
        client_id: DEMO_CLIENT_ID,
        disconnect_url: `${rx.url}/amocrm/disconnect`,
      });
      const r = await h.control("/uninstall", { subdomain: "demo" });
      expect((r.body as { status: number }).status).toBe(200);
      expect(rx.got).toHaveLength(1);
      expect(rx.got[0]?.method).toBe("GET");
      const q = new URL(`http://x${rx.got[0]?.url}`).searchParams;
      expect(q.get("client_uuid")).toBe(DEMO_CLIENT_ID);
      expect(q.get("account_id")).toBe(String(DEMO_ACCOUNT_ID));
      // The official PHP check: hash_hmac('sha256', "{client_id}|{account_id}", client_secret) === signature.
      const expected = createHmac("sha256", DEMO_CLIENT_SECRET)
        .update(`${DEMO_CLIENT_ID}|${Number(q.get("account_id"))}`)
        .digest("hex");
      const sig = q.get("signature") ?? "";
      expect(timingSafeEqual(Buffer.from(expected), Buffer.from(sig))).toBe(true);
      const forged = createHmac("sha256", "other-secret")
        .update(`${DEMO_CLIENT_ID}|${DEMO_ACCOUNT_ID}`)
        .digest("hex");
      expect(sig).not.toBe(forged);
    } finally {
      await rx.close();
    }
    expect((await h.api("GET", "/api/v4/account", undefined, { token: access_token })).status).toBe(401);
    const refreshed = await fetch(`${h.base()}/oauth2/access_token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        client_id: DEMO_CLIENT_ID,
        client_secret: DEMO_CLIENT_SECRET,
        redirect_uri: DEMO_REDIRECT_URI,
        grant_type: "refresh_token",
        refresh_token,
      }),
    });
    expect(refreshed.status).toBe(400);
  });
});
