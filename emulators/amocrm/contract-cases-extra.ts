// Per-sample contract cases: OAuth, errors, tokens, outbound webhooks (DP, account webhooks, disconnect hook).
import { decodeJwt, decodeProtectedHeader } from "jose";
import { expect } from "vitest";
import type { Case } from "./contract-cases";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REDIRECT_URI, STATUS } from "./seed";
import {
  call,
  exchange,
  fromForm,
  type Harness,
  readSample,
  sampleJson,
  shapeDiff,
  startReceiver,
} from "./test-support";
import { disconnectSignature } from "./tokens";

export const extraCases: Record<string, Case> = {};
const shape = (file: string, actual: unknown, opts = {}) =>
  expect(shapeDiff(sampleJson(file), actual, opts)).toEqual([]);

async function oauthError(file: string, run: (h: Harness) => Promise<{ status: number; body: unknown }>) {
  extraCases[file] = async ({ h }) => {
    const r = await run(h);
    expect(r.status).toBe(400);
    shape(file, r.body);
    expect((r.body as { hint: string }).hint).toBe((sampleJson(file) as { hint: string }).hint);
  };
}

const newCode = async (h: Harness) =>
  ((await h.control("/oauth/code", { subdomain: "demo" })).body as { code: string }).code;

extraCases["oauth-token-request-authorization_code.json"] = async ({ h }) => {
  const sample = sampleJson<Record<string, string>>("oauth-token-request-authorization_code.json");
  const r = await exchange(h.base(), {
    ...sample,
    client_id: DEMO_CLIENT_ID,
    client_secret: DEMO_CLIENT_SECRET,
    redirect_uri: DEMO_REDIRECT_URI,
    code: await newCode(h),
  });
  expect(r.status).toBe(200);
};
extraCases["oauth-token-request-refresh_token.json"] = async ({ h }) => {
  const pair = await h.login();
  const sample = sampleJson<Record<string, string>>("oauth-token-request-refresh_token.json");
  const r = await exchange(h.base(), {
    ...sample,
    client_id: DEMO_CLIENT_ID,
    client_secret: DEMO_CLIENT_SECRET,
    redirect_uri: DEMO_REDIRECT_URI,
    refresh_token: pair.refresh_token,
  });
  expect(r.status).toBe(200);
};
extraCases["oauth-token-response.json"] = async ({ h }) => {
  const r = await exchange(h.base(), { grant_type: "authorization_code", code: await newCode(h) });
  expect(r.status).toBe(200);
  shape("oauth-token-response.json", r.body);
  expect((r.body as { expires_in: number }).expires_in).toBe(86400);
};
extraCases["oauth-access-token-jwt-claims.redacted.json"] = async ({ h }) => {
  const { access_token } = await h.login();
  shape("oauth-access-token-jwt-claims.redacted.json", {
    _header: decodeProtectedHeader(access_token),
    ...decodeJwt(access_token),
  });
};
extraCases["oauth-account-subdomain-response.json"] = async ({ h }) => {
  const { refresh_token } = await h.login();
  const r = await call(`${h.emu.url}/oauth2/account/current/subdomain`, {
    headers: { "x-refresh-token": refresh_token },
  });
  expect(r.status).toBe(200);
  shape("oauth-account-subdomain-response.json", r.body);
};
oauthError("oauth-error-code-expired.json", async (h) => {
  const code = await newCode(h);
  await h.control("/clock", { advance: "+21 min" });
  return exchange(h.base(), { grant_type: "authorization_code", code });
});
oauthError("oauth-error-code-revoked.json", async (h) => {
  const code = await newCode(h);
  await exchange(h.base(), { grant_type: "authorization_code", code });
  return exchange(h.base(), { grant_type: "authorization_code", code });
});
oauthError("oauth-error-cannot-decrypt-code.json", (h) =>
  exchange(h.base(), { grant_type: "authorization_code", code: "def50200garbage" }),
);
oauthError("oauth-error-invalid-refresh-token.json", async (h) => {
  const { refresh_token } = await h.login();
  await exchange(h.base(), { grant_type: "refresh_token", refresh_token });
  return exchange(h.base(), { grant_type: "refresh_token", refresh_token });
});

extraCases["oauth-redirect-examples.CONSTRUCTED.txt"] = async ({ h }) => {
  const lines = readSample("oauth-redirect-examples.CONSTRUCTED.txt")
    .split("\n")
    .filter((l) => l.startsWith("GET "));
  const keys = (u: string) => [...new URL(u).searchParams.keys()].sort();
  const consent = (decision: string) =>
    call(`${h.emu.url}/oauth`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: DEMO_CLIENT_ID,
        state: "8f14e45fceea167a",
        account: "demo",
        decision,
      }).toString(),
    });
  const allow = await consent("allow");
  expect(allow.status).toBe(302);
  expect(keys(allow.headers.get("location") ?? "")).toEqual(keys(lines[0]?.slice(4) ?? ""));
  const deny = await consent("deny");
  expect(keys(deny.headers.get("location") ?? "")).toEqual(keys(lines[2]?.slice(4) ?? ""));
  const rx = await startReceiver();
  try {
    await h.control("/integrations", { client_id: DEMO_CLIENT_ID, redirect_uris: [`${rx.url}/cb`] });
    await h.control("/install-hook", { subdomain: "demo" });
    expect(keys(`http://x${rx.got[0]?.url}`)).toEqual(keys(lines[1]?.slice(4) ?? ""));
  } finally {
    await rx.close();
  }
};

const errorCase = (
  file: string,
  status: number,
  run: (h: Harness) => Promise<{ status: number; body: unknown }>,
) => {
  extraCases[file] = async ({ h }) => {
    const r = await run(h);
    expect(r.status).toBe(status);
    shape(file, r.body);
  };
};
const badField = [
  { name: "x", custom_fields_values: [{ field_id: 1, values: [{ value: "x" }] }], status_id: "new" },
];
errorCase("kommo-error-400-blank.json", 400, (h) => h.api("POST", "/api/v4/leads", ""));
errorCase("kommo-error-400-validation.json", 400, (h) => h.api("POST", "/api/v4/leads", badField));
errorCase("validation-error-400.json", 400, (h) =>
  h.api("POST", "/api/v4/leads", [badField[0] && { custom_fields_values: badField[0].custom_fields_values }]),
);
errorCase("kommo-error-401.json", 401, (h) =>
  h.api("GET", "/api/v4/leads", undefined, { token: "not-a-token" }),
);
errorCase("kommo-error-402.json", 402, async (h) => {
  await h.control("/accounts", { subdomain: "demo", paid: false });
  return h.api("GET", "/api/v4/leads");
});
errorCase("kommo-error-404.json", 404, (h) => h.api("GET", "/api/v4/nothing-here"));
errorCase("kommo-error-405.json", 405, (h) => h.api("DELETE", "/api/v4/leads"));
errorCase("kommo-error-422-limit.json", 422, (h) => h.api("GET", "/api/v4/leads?limit=251"));
errorCase("kommo-error-429.json", 429, async (h) => {
  await h.control("/clock", { freeze: true });
  await h.control("/rate-limit", { per_second: 7 });
  for (let i = 0; i < 7; i++) await h.api("GET", "/api/v4/account");
  return h.api("GET", "/api/v4/account");
});
errorCase("kommo-error-500.json", 500, async (h) => {
  await h.control("/faults", { kind: "status", status: 500, count: 1 });
  return h.api("GET", "/api/v4/leads");
});

extraCases["api-v2-events-phone_call-request.txt"] = async ({ h }) => {
  const r = await h.api("POST", "/api/v2/events", sampleJson("api-v2-events-phone_call-request.txt"));
  expect(r.status).toBe(200);
};
extraCases["api-v2-events-phone_call-response.txt"] = async ({ h }) => {
  const req = { add: [{ type: "phone_call", phone_number: "+79161234567", users: [504141] }] };
  const r = await h.api("POST", "/api/v2/events", req);
  shape("api-v2-events-phone_call-response.txt", r.body);
};

for (const file of ["widget-disposable-token-claims.json", "mobile-widget-token-claims.json"]) {
  extraCases[file] = async ({ h }) => {
    const r = await h.control("/disposable-token", { subdomain: "demo" });
    const claims = decodeJwt((r.body as { token: string }).token);
    // is_admin is read by the official SDK but missing from the docs' table (reference §3).
    shape(file, claims, { optional: ["is_admin"] });
  };
}
extraCases["widget-disposable-token-request.CONSTRUCTED.txt"] = async ({ h }) => {
  const text = readSample("widget-disposable-token-request.CONSTRUCTED.txt");
  const header = JSON.parse(/JOSE header: (\{.*\})/.exec(text)?.[1] ?? "{}") as Record<string, string>;
  const r = await h.control("/disposable-token", { subdomain: "demo" });
  expect(decodeProtectedHeader((r.body as { token: string }).token)).toEqual(header);
};
extraCases["oauth-disconnect-hook-request.CONSTRUCTED.txt"] = async ({ h }) => {
  const text = readSample("oauth-disconnect-hook-request.CONSTRUCTED.txt");
  const sampleUrl = new URL(text.split("\n")[0]?.slice(4) ?? "");
  const q = sampleUrl.searchParams;
  expect(
    disconnectSignature(q.get("client_uuid") ?? "", Number(q.get("account_id")), "test_client_secret"),
  ).toBe(q.get("signature"));
  const rx = await startReceiver();
  try {
    await h.control("/uninstall", { subdomain: "demo", url: `${rx.url}/disconnect` });
    const got = new URL(`http://x${rx.got[0]?.url}`);
    expect(rx.got[0]?.method).toBe("GET");
    expect([...got.searchParams.keys()].sort()).toEqual([...q.keys()].sort());
  } finally {
    await rx.close();
  }
};

/** Configures a DP action on "Принимают решение" and moves deal 167353 there; returns what the receiver got. */
async function dpDelivery(h: Harness, encoding: "json" | "form") {
  const rx = await startReceiver();
  try {
    await h.control("/dp/actions", {
      subdomain: "demo",
      status_id: STATUS.mainDecision,
      webhook_url: `${rx.url}/dp`,
      settings: { message: "Hello" },
      encoding,
    });
    await h.control("/leads/move", { subdomain: "demo", lead_id: 167353, status_id: STATUS.mainDecision });
    return rx.got[0];
  } finally {
    await rx.close();
  }
}
extraCases["dp-webhook-payload.json-view.txt"] = async ({ h }) => {
  const got = await dpDelivery(h, "json");
  expect(got?.headers["content-type"]).toContain("application/json");
  shape("dp-webhook-payload.json-view.txt", JSON.parse(got?.body ?? "null"));
};
extraCases["dp-webhook-payload-form.CONSTRUCTED.txt"] = async ({ h }) => {
  const got = await dpDelivery(h, "form");
  const sample = readSample("dp-webhook-payload-form.CONSTRUCTED.txt").split("\n")[0] ?? "";
  const keys = (b: string) => [...new URLSearchParams(b).keys()].sort();
  expect(keys(got?.body ?? "")).toEqual(keys(sample));
};

/** Subscribes a receiver to `event`, performs `act`, returns the decoded form body of the first webhook. */
async function accountWebhook(h: Harness, event: string, act: () => Promise<unknown>) {
  const rx = await startReceiver();
  try {
    await h.api("POST", "/api/v4/webhooks", { destination: `${rx.url}/hook`, settings: [event] });
    await act();
    await h.control("/deliveries/settle");
    expect(rx.got[0]?.headers["content-type"]).toContain("application/x-www-form-urlencoded");
    return fromForm(rx.got[0]?.body ?? "");
  } finally {
    await rx.close();
  }
}
const keysOf = (o: unknown) => Object.keys((o ?? {}) as object).sort();
const moveLead = (h: Harness) => () =>
  h.api("PATCH", "/api/v4/leads", [
    { id: 167353, status_id: 142, custom_fields_values: [{ field_id: 294471, values: [{ value: "x" }] }] },
  ]);
const patchContact = (h: Harness) => () => h.api("PATCH", "/api/v4/contacts/3", { first_name: "Иван" });

extraCases["webhook-leads-status-real.form.txt"] = async ({ h }) => {
  const got = await accountWebhook(h, "status_lead", moveLead(h));
  const sample = fromForm(readSample("webhook-leads-status-real.form.txt").trim());
  const item = (x: Record<string, unknown>) =>
    ((x.leads as Record<string, unknown>).status as Record<string, unknown>)["0"];
  expect(keysOf(item(got))).toEqual(keysOf(item(sample)));
  expect(keysOf(got.account)).toEqual(expect.arrayContaining(keysOf(sample.account)));
};
extraCases["webhook-leads-status.json-view.json"] = async ({ h }) => {
  const got = await accountWebhook(h, "status_lead", moveLead(h));
  const sample = sampleJson<{ leads: { status: Record<string, object> } }>(
    "webhook-leads-status.json-view.json",
  );
  const item = ((got.leads as Record<string, unknown>).status as Record<string, unknown>)["0"];
  expect(keysOf(item)).toEqual(expect.arrayContaining(keysOf(sample.leads.status["0"])));
};
// Company fields are absent: the emulator's contacts have no linked company (README).
const NO_COMPANY = new Set(["company_name", "linked_company_id"]);
extraCases["webhook-contacts-update-real.form.txt"] = async ({ h }) => {
  const got = await accountWebhook(h, "update_contact", patchContact(h));
  const sample = fromForm(readSample("webhook-contacts-update-real.form.txt").trim());
  const item = (x: Record<string, unknown>) =>
    ((x.contacts as Record<string, unknown>).update as Record<string, unknown>)["0"];
  const want = keysOf(item(sample)).filter((k) => !NO_COMPANY.has(k) && k !== "tags");
  expect(keysOf(item(got))).toEqual(expect.arrayContaining(want));
};
extraCases["webhook-contacts-add.json-view.json"] = async ({ h }) => {
  const add = () =>
    h.api("POST", "/api/v4/contacts", [
      {
        name: "Контакт",
        custom_fields_values: [{ field_code: "PHONE", values: [{ value: "+76665554433" }] }],
      },
    ]);
  const got = await accountWebhook(h, "add_contact", add);
  const sample = sampleJson<{ contacts: { add: object[] } }>("webhook-contacts-add.json-view.json");
  const item = ((got.contacts as Record<string, unknown>).add as Record<string, unknown>)["0"];
  const want = keysOf(sample.contacts.add[0]).filter((k) => !NO_COMPANY.has(k) && k !== "linked_leads_id");
  expect(keysOf(item)).toEqual(expect.arrayContaining(want));
};
