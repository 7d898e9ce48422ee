// R5 (issue 16): at least 10,000 generated bodies per public route (fast-check, fixed seed): no answer 5xx,
// the process alive, and every correctly signed valid event stored and queued whatever its strings hold.
// The routes are the app/ route modules themselves (reliability/public-routes.ts). Most bodies go to the
// handlers in-process (a Request each, as Next.js hands them over); a sample of each route's bodies goes
// over real HTTP to the same handlers. The webhook routes cost a few database statements per body, so the
// full 16 × 10,000 takes minutes (5–7 on a shared, loaded 2-core machine); R5_BODIES=<n> runs fewer.
// Not in it: NextAuth's routes, whose handler reads Next's request scope (next/headers) — no Next server here.
import { and, eq, isNotNull, ne, sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { jobRuns, webhookInbox } from "@/db/schema";
import { DEMO_CLIENT_ID } from "@/emulators/amocrm/server";
import { WIDGET_TRPC_SOURCE, WIDGET_TRPC_SOURCE_HEADER } from "@/lib/domain/widget/trpc-session-protocol";
import { sign } from "@/server/mango/sign";
import { MANGO_KEY, MANGO_SALT, type PublicRoutes, startPublicRoutes } from "./public-routes";

// The portal's tRPC route reads its session from Next's request scope (cookies); R5 calls it without one.
vi.mock("@/server/auth/session", () => ({ getSessionIdentity: async () => null }));

const SEED = 16_005;
const PER_ROUTE = Number(process.env.R5_BODIES ?? 10_000);
/** Of each route's bodies, this many (the first ones) travel over HTTP; the rest are handed over in-process. */
const OVER_HTTP = Math.min(PER_ROUTE, 300);
const CONCURRENCY = 12;
const ACCOUNT_ID = 28805383;

// ---- hostile material --------------------------------------------------------------------------------

const NASTY = [
  "\u0000",
  "\ud800",
  "\udc00",
  "\udbff",
  "\udfff\ud800",
  "\uffff",
  "\ufeff",
  "\u202e",
  "\u2028",
  "💥",
  "'",
  '"',
  "\\",
  "%",
  "%00",
  "%zz",
  "%u0000",
  "&",
  "=",
  "+",
  "[",
  "]",
  "[]",
  "__proto__",
  "constructor",
  "prototype",
  "<script>",
  "\r\n",
  "NaN",
  "1e999",
  "-0",
  "79161234567",
  "+7 (916) 123-45-67",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template placeholder is exactly the hostile text.
  "${x}",
  "{{x}}",
  "\\u0000",
  "null",
];
const unit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
);
const hostile = fc.string({ unit, maxLength: 40 });
const hugeNumber = fc.oneof(
  fc.constantFrom("1e999", "-1e999", "1e-999", "9".repeat(400), "-0", "0x10", "1_000", "NaN", "Infinity"),
  fc.bigInt({ min: -(10n ** 60n), max: 10n ** 60n }).map(String),
  fc.double().map(String),
);
/** A JSON value of arbitrary depth and size whose strings are hostile (JSON.stringify escapes lone surrogates). */
const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostile,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("json"), { maxLength: 6 }),
    fc.dictionary(hostile, tie("json"), { maxKeys: 6 }),
  ),
}));
const jsonText = fc.oneof(
  json.map((v) => JSON.stringify(v) ?? "null"),
  // Hand-made JSON with raw (unescaped) hostile text and huge number literals.
  fc.tuple(hostile, hugeNumber).map(([s, n]) => `{"a":"${s}","n":${n},"m":[${n}]}`),
  fc.tuple(hostile, hostile).map(([k, v]) => `{"${k}":"${v}"}`),
);
const formKey = fc.oneof(
  hostile,
  fc
    .tuple(hostile, fc.array(hostile, { maxLength: 8 }))
    .map(([h, parts]) => h + parts.map((p) => `[${p}]`).join("")),
  fc.constantFrom(
    "event[data][id]",
    "leads[status][0][id]",
    "account[id]",
    "a[]",
    "a[][]",
    "a[",
    "a]",
    "[a]",
  ),
);
const formText = fc
  .array(fc.tuple(formKey, fc.oneof(hostile, hugeNumber)), { maxLength: 12 })
  .map((fields) => new URLSearchParams(fields).toString());
const rawFormText = fc
  .array(fc.tuple(hostile, hostile), { maxLength: 8 })
  .map((fields) => fields.map(([k, v]) => `${k}=${v}`).join("&"));

/** A body described small (sizes, not the bytes), built when sent: the big ones are never all in memory. */
type BodyPlan =
  | { t: "text"; v: string }
  | { t: "bytes"; v: Uint8Array }
  | { t: "nest"; open: string; close: string; inner: string; n: number }
  | { t: "brackets"; head: string; seg: string; n: number }
  | { t: "fields"; n: number; key: string }
  | { t: "long"; n: number; ch: string };

const CONTENT_TYPES = [
  "application/json",
  "application/x-www-form-urlencoded",
  "application/x-www-form-urlencoded; charset=windows-1251",
  "text/plain",
  "multipart/form-data; boundary=----x",
  "application/json; charset=utf-16",
  "application/octet-stream",
  "json",
  "form",
  ";;;",
];
const contentType = fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined });

const garbagePlan: fc.Arbitrary<BodyPlan> = fc.oneof(
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((v): BodyPlan => ({ t: "bytes", v })) },
  { weight: 4, arbitrary: jsonText.map((v): BodyPlan => ({ t: "text", v })) },
  { weight: 4, arbitrary: formText.map((v): BodyPlan => ({ t: "text", v })) },
  { weight: 2, arbitrary: rawFormText.map((v): BodyPlan => ({ t: "text", v })) },
  { weight: 2, arbitrary: hostile.map((v): BodyPlan => ({ t: "text", v })) },
  {
    weight: 1,
    arbitrary: fc
      .record({
        pair: fc.constantFrom(["[", "]"], ['{"a":', "}"], ['{"event":{"data":', "}}"], ['[{"x":[', "]}]"]),
        inner: fc.constantFrom("1", "null", '"\\u0000"', "{}", ""),
        n: fc.integer({ min: 30, max: 150_000 }),
      })
      .map(({ pair, inner, n }): BodyPlan => ({ t: "nest", open: pair[0]!, close: pair[1]!, inner, n })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        head: fc.constantFrom("event", "leads", "account", "a", "__proto__"),
        seg: fc.constantFrom("[a]", "[]", "[0]", "[data]", "[__proto__]", "[%00]"),
        n: fc.integer({ min: 10, max: 120_000 }),
      })
      .map((r): BodyPlan => ({ t: "brackets", ...r })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        n: fc.integer({ min: 100, max: 60_000 }),
        key: fc.constantFrom("a", "a[]", "leads[status][]", "x[y]"),
      })
      .map((r): BodyPlan => ({ t: "fields", ...r })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        n: fc.integer({ min: 10_000, max: 1_200_000 }),
        ch: fc.constantFrom("a", "\u0000", "{", "%", "é"),
      })
      .map((r): BodyPlan => ({ t: "long", ...r })),
  },
);

function buildBody(p: BodyPlan): string | Uint8Array {
  switch (p.t) {
    case "text":
    case "bytes":
      return p.v;
    case "nest":
      return p.open.repeat(p.n) + p.inner + p.close.repeat(p.n);
    case "brackets":
      return `${p.head}${p.seg.repeat(p.n)}=1`;
    case "fields":
      return Array.from({ length: p.n }, (_, i) => `${p.key}=${i}`).join("&");
    case "long":
      return p.ch.repeat(p.n);
  }
}

// ---- what is sent ------------------------------------------------------------------------------------

/** One generated request; `valid` names an event that must be stored and queued. */
type Shot = {
  method: string;
  path: string;
  query?: string;
  headers: Record<string, string>;
  body?: BodyPlan;
  /** A correctly signed (or, for amoCRM, well-formed) valid event: the route must accept it. */
  valid?: boolean;
  /** Builds the body with the shot's index (unique ids for valid events). */
  make?: (i: number) => string;
};

/** Header values must be ByteStrings without CR/LF/NUL: hostile, but sendable. */
const headerText = hostile.map((s) => s.replace(/[^\x20-\x7e\x80-\xff]/g, "?"));
const headersWith = (extra: fc.Arbitrary<Record<string, string>>) =>
  fc.tuple(contentType, extra).map(([ct, h]) => ({ ...(ct ? { "content-type": ct } : {}), ...h }));
const noHeaders = fc.constant({} as Record<string, string>);

const signedForm = (json: string, key = MANGO_KEY, salt = MANGO_SALT, signature?: string) =>
  new URLSearchParams({ vpbx_api_key: key, sign: signature ?? sign(key, json, salt), json }).toString();

/** MANGO's path kinds per fuzzed route. */
const MANGO_ROUTES = {
  "mango events/call": ["events/call"],
  "mango events/summary": ["events/summary"],
  "mango result/*": [
    "result/callback",
    "result/sms",
    "result/call/hangup",
    "result/route",
    "result/transfer",
    "result/recording/start",
    "result/calls_connect",
  ],
  "mango other paths": ["events/recording", "events/sms", "events/dtmf", "ping", "events/unknown", "x/y/z"],
} as const;

/** A valid MANGO event of `kind` with hostile strings wherever a string goes, unique by `i`. */
function validMangoEvent(kind: string, i: number, s: string[], n: number): Record<string, unknown> {
  const id = `r5-${i}-${s[0]}`;
  const extra = { [`x${s[1]}`]: s[2], note: s[3], nested: { [s[4] ?? ""]: [s[5], { deep: s[6] }] } };
  const party = { number: s[7], extension: s[8], line_number: s[9] };
  if (kind === "events/call")
    return {
      entry_id: id,
      call_id: `c-${s[1]}`,
      timestamp: n,
      seq: 1,
      call_state: `Appeared${s[2]}`,
      location: s[3],
      from: party,
      to: { number: s[10] },
      sip_call_id: s[11],
      ...extra,
    };
  if (kind === "events/summary")
    return {
      entry_id: id,
      call_direction: 1,
      create_time: n,
      end_time: n + 5,
      from: party,
      to: party,
      ...extra,
    };
  if (kind === "events/recording")
    return { recording_id: id, recording_state: `Started${s[1]}`, timestamp: n, call_id: s[2], ...extra };
  if (kind === "events/sms") return { command_id: id, reason: 1000, timestamp: n, ...extra };
  if (kind === "events/dtmf") return { call_id: `c-${s[1]}`, entry_id: id, dtmf: s[2], seq: i, timestamp: n };
  if (kind === "ping") return { id, ...extra };
  if (kind.startsWith("result/")) return { command_id: id, result: 1000, ...extra };
  return { id, ...extra };
}

function mangoShots(paths: readonly string[], webhookKey: string): fc.Arbitrary<Shot> {
  const path = fc.constantFrom(...paths).map((p) => `/api/mango/${webhookKey}/${p}`);
  const strings = fc.array(hostile, { minLength: 12, maxLength: 12 });
  const ts = fc.integer({ min: 1, max: 2_000_000_000 });
  return fc.oneof(
    // Garbage of every shape, any content type.
    {
      weight: 10,
      arbitrary: fc.record({
        method: fc.constant("POST"),
        path,
        headers: headersWith(noHeaders),
        body: garbagePlan,
      }),
    },
    // A signed form whose json is garbage (correct signature over it, a wrong one, another key).
    {
      weight: 6,
      arbitrary: fc
        .record({
          path,
          json: fc.oneof(jsonText, hostile, formText),
          how: fc.constantFrom("signed", "forged", "other-key", "upper-sign", "no-sign", "data-field"),
        })
        .map(({ path, json, how }): Shot => {
          const text =
            how === "signed" || how === "upper-sign"
              ? signedForm(
                  json,
                  MANGO_KEY,
                  MANGO_SALT,
                  how === "upper-sign" ? sign(MANGO_KEY, json, MANGO_SALT).toUpperCase() : undefined,
                )
              : how === "forged"
                ? signedForm(json, MANGO_KEY, "not-the-salt")
                : how === "other-key"
                  ? signedForm(json, "other-key", MANGO_SALT)
                  : how === "no-sign"
                    ? new URLSearchParams({ vpbx_api_key: MANGO_KEY, json }).toString()
                    : new URLSearchParams({
                        vpbx_api_key: MANGO_KEY,
                        sign: sign(MANGO_KEY, json, MANGO_SALT),
                        data: json,
                      }).toString();
          return {
            method: "POST",
            path,
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: { t: "text", v: text },
          };
        }),
    },
    // A correctly signed valid event with hostile strings: must be stored and queued.
    {
      weight: 1,
      arbitrary: fc.record({ path, strings, n: ts }).map(({ path, strings, n }): Shot => {
        const kind = path.split("/").slice(4).join("/");
        const known = !["events/unknown", "x/y/z"].includes(kind);
        return {
          method: "POST",
          path,
          headers: { "content-type": "application/x-www-form-urlencoded" },
          valid: true,
          make: (i) => {
            const e = known ? validMangoEvent(kind, i, strings, n) : { id: `r5-${i}`, s: strings };
            return signedForm(JSON.stringify(e));
          },
        };
      }),
    },
    // An unknown webhook key: nothing is read.
    {
      weight: 1,
      arbitrary: fc.record({ key: headerText, p: fc.constantFrom(...paths), body: garbagePlan }).map(
        ({ key, p, body }): Shot => ({
          method: "POST",
          path: `/api/mango/${encodeURIComponent(key) || "x"}/${p}`,
          headers: {},
          body,
        }),
      ),
    },
  );
}

/** A hostile key that is still a well-formed bracket segment (no brackets, never a prototype name). */
const safeKey = (s: string | undefined) => `k${(s ?? "").replace(/[[\]]/g, "_")}`;

function dpLike(i: number, s: string[], n: number, form: boolean, account: "ours" | "other" | "sub") {
  const who =
    account === "ours"
      ? { account_id: ACCOUNT_ID }
      : account === "other"
        ? { account_id: 1 }
        : { subdomain: "demo" };
  const body = {
    event: {
      type: 14,
      type_code: `lead_moved_to_status${s[0]}`,
      data: { id: 100_000 + i, element_type: 2, status_id: 33929758, pipeline_id: 3383152, hostile: s[1] },
      time: n,
      extra: s[2],
    },
    action: { settings: { widget: { settings: { text: s[3], [safeKey(s[4])]: s[5] } } } },
    ...who,
  };
  if (!form) return JSON.stringify(body);
  const fields: [string, string][] = [
    ["event[type]", "14"],
    ["event[type_code]", `lead_moved_to_status${s[0]}`],
    ["event[data][id]", String(100_000 + i)],
    ["event[data][element_type]", "2"],
    ["event[data][status_id]", "33929758"],
    ["event[data][pipeline_id]", "3383152"],
    ["event[data][hostile]", s[1] ?? ""],
    ["event[time]", String(n)],
    ["action[settings][widget][settings][text]", s[3] ?? ""],
    [`action[settings][widget][settings][${safeKey(s[4])}]`, s[5] ?? ""],
    ...Object.entries(who).map(([k, v]) => [k, String(v)] as [string, string]),
  ];
  return new URLSearchParams(fields).toString();
}

function accountLike(i: number, s: string[], n: number, form: boolean, lost: boolean) {
  const lead = {
    id: 200_000 + i,
    status_id: lost ? 143 : 33929758,
    old_status_id: 33929752,
    pipeline_id: 3383152,
    last_modified: n,
    account_id: ACCOUNT_ID,
    name: s[0],
  };
  if (!form)
    return JSON.stringify({
      leads: { status: [lead] },
      account: { id: ACCOUNT_ID, subdomain: `demo${s[1]}` },
    });
  const fields: [string, string][] = Object.entries(lead).map(([k, v]) => [
    `leads[status][0][${k}]`,
    String(v),
  ]);
  fields.push(
    ["account[id]", String(ACCOUNT_ID)],
    ["account[subdomain]", "demo"],
    [`account[${safeKey(s[2])}]`, s[3] ?? ""],
  );
  return new URLSearchParams(fields).toString();
}

function amocrmShots(kind: "dp" | "events", webhookKey: string): fc.Arbitrary<Shot> {
  const path = fc.constant(`/api/amocrm/${webhookKey}/${kind}`);
  const strings = fc.array(hostile, { minLength: 6, maxLength: 6 });
  const ts = fc.integer({ min: 1, max: 2_000_000_000 });
  return fc.oneof(
    {
      weight: 12,
      arbitrary: fc.record({
        method: fc.constant("POST"),
        path,
        headers: headersWith(noHeaders),
        body: garbagePlan,
      }),
    },
    // Well-formed for this account (stored and queued), for another account (400), by subdomain.
    {
      weight: 2,
      arbitrary: fc
        .record({
          path,
          strings,
          n: ts,
          form: fc.boolean(),
          variant: fc.constantFrom("ours", "other", "sub", "lost", "moved"),
        })
        .map(
          ({ path, strings, n, form, variant }): Shot => ({
            method: "POST",
            path,
            headers: { "content-type": form ? "application/x-www-form-urlencoded" : "application/json" },
            // DP: ours and by subdomain are stored; account events: only a move to 143 is (the rest ignored).
            valid: kind === "dp" ? variant !== "other" : variant === "lost",
            make: (i) =>
              kind === "dp"
                ? dpLike(
                    i,
                    strings,
                    n,
                    form,
                    variant === "other" ? "other" : variant === "sub" ? "sub" : "ours",
                  )
                : accountLike(i, strings, n, form, variant === "lost"),
          }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.record({ key: headerText, body: garbagePlan }).map(
        ({ key, body }): Shot => ({
          method: "POST",
          path: `/api/amocrm/${encodeURIComponent(key) || "x"}/${kind}`,
          headers: {},
          body,
        }),
      ),
    },
  );
}

const queryText = fc.oneof(
  fc
    .array(
      fc.tuple(
        fc.oneof(
          hostile,
          fc.constantFrom(
            "token",
            "area",
            "account_id",
            "client_uuid",
            "signature",
            "ticket",
            "input",
            "batch",
          ),
        ),
        hostile,
      ),
      { maxLength: 6 },
    )
    .map((f) => new URLSearchParams(f).toString()),
  rawFormText.map((t) => encodeURI(t.replace(/[\ud800-\udfff]/g, "?"))),
);

function uninstallShots(): fc.Arbitrary<Shot> {
  return fc
    .record({
      account: fc.oneof(hugeNumber, hostile, fc.constant(String(ACCOUNT_ID))),
      uuid: fc.oneof(hostile, fc.constant(DEMO_CLIENT_ID)),
      signature: fc.oneof(
        hostile,
        fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 }),
      ),
      raw: queryText,
      useRaw: fc.boolean(),
    })
    .map(
      ({ account, uuid, signature, raw, useRaw }): Shot => ({
        method: "GET",
        path: "/api/amocrm/uninstall",
        query: useRaw
          ? raw
          : new URLSearchParams({ account_id: account, client_uuid: uuid, signature }).toString(),
        headers: {},
      }),
    );
}

const token = fc.oneof(
  headerText,
  fc
    .tuple(
      fc.base64String({ maxLength: 60 }),
      fc.base64String({ maxLength: 200 }),
      fc.base64String({ maxLength: 60 }),
    )
    .map((p) => p.join(".")),
  fc.constant("eyJhbGciOiJub25lIn0.eyJhY2NvdW50X2lkIjoyODgwNTM4M30."),
);

function widgetShots(path: string, methods: string[]): fc.Arbitrary<Shot> {
  const headers = fc.record(
    {
      "x-auth-token": token,
      origin: fc.constantFrom(
        "https://demo.amocrm.ru",
        "http://localhost:3000",
        "null",
        "https://evil.example",
      ),
      [WIDGET_TRPC_SOURCE_HEADER]: fc.constantFrom(WIDGET_TRPC_SOURCE, "x"),
      authorization: token.map((t) => `Bearer ${t}`),
      "sec-fetch-site": fc.constantFrom("same-origin", "cross-site"),
      cookie: headerText,
    },
    { requiredKeys: [] },
  );
  return fc.record({
    method: fc.constantFrom(...methods),
    path: fc.constant(path),
    query: fc.option(queryText, { nil: undefined }),
    headers: headersWith(headers),
    body: fc.oneof(
      garbagePlan,
      fc
        .record({ token, area: fc.oneof(hostile, fc.constantFrom("settings", "rules", "calls")) })
        .map((v): BodyPlan => ({ t: "text", v: JSON.stringify(v) })),
      fc
        .record({ token, area: hostile })
        .map((v): BodyPlan => ({ t: "text", v: new URLSearchParams(v).toString() })),
    ),
  });
}

function trpcShots(base: string, procedures: string[]): fc.Arbitrary<Shot> {
  const name = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...procedures) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.constantFrom(...procedures), { minLength: 1, maxLength: 4 })
        .map((p) => p.join(",")),
    },
    { weight: 1, arbitrary: headerText.map((s) => encodeURIComponent(s) || "x") },
  );
  return fc
    .record({
      method: fc.constantFrom("GET", "POST"),
      name,
      batch: fc.boolean(),
      input: jsonText,
      headers: headersWith(
        fc.record(
          {
            authorization: token.map((t) => `Bearer ${t}`),
            [WIDGET_TRPC_SOURCE_HEADER]: fc.constantFrom(WIDGET_TRPC_SOURCE, "x"),
            "trpc-accept": fc.constantFrom("application/jsonl", "x"),
          },
          { requiredKeys: [] },
        ),
      ),
      body: garbagePlan,
      rawBody: fc.boolean(),
    })
    .map(({ method, name, batch, input, headers, body, rawBody }): Shot => {
      const q = new URLSearchParams({
        ...(batch ? { batch: "1" } : {}),
        ...(method === "GET" ? { input } : {}),
      });
      return {
        method,
        path: `${base}/${name}`,
        query: q.toString(),
        headers,
        ...(method === "POST" ? { body: rawBody ? body : ({ t: "text", v: input } as BodyPlan) } : {}),
      };
    });
}

// ---- the run -----------------------------------------------------------------------------------------

let w: PublicRoutes;
beforeAll(async () => {
  w = await startPublicRoutes();
});
afterAll(async () => {
  await w?.close();
});

type Tally = {
  sent: number;
  overHttp: number;
  byStatus: Map<number, number>;
  fiveXx: string[];
  validSent: number;
  validRefused: string[];
  /** Inbox ids of every answer "accepted" (valid shots, and garbage that happened to be a valid event). */
  accepted: Set<string>;
  /** HTTP requests sent again after a transport failure (no answer). */
  resent: number;
  ms: number;
};

function toRequest(base: string, shot: Shot, i: number): Request {
  const url = `${base}${shot.path}${shot.query ? `?${shot.query}` : ""}`;
  const body =
    shot.method === "GET" || shot.method === "HEAD"
      ? undefined
      : shot.make
        ? shot.make(i)
        : shot.body
          ? buildBody(shot.body)
          : undefined;
  return new Request(url, { method: shot.method, headers: shot.headers, body: body as BodyInit | undefined });
}

const describeShot = (s: Shot) =>
  JSON.stringify({
    ...s,
    body: s.body && s.body.t !== "text" && s.body.t !== "bytes" ? s.body : s.body ? `${s.body.t}` : undefined,
  }).slice(0, 300);

async function fire(route: string, shots: Shot[], firstIndex: number): Promise<Tally> {
  const tally: Tally = {
    sent: 0,
    overHttp: 0,
    byStatus: new Map(),
    fiveXx: [],
    validSent: 0,
    validRefused: [],
    accepted: new Set(),
    resent: 0,
    ms: 0,
  };
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    for (;;) {
      const k = next++;
      if (k >= shots.length) return;
      const shot = shots[k]!;
      const i = firstIndex + k;
      const overHttp = k < OVER_HTTP;
      let status: number;
      let text = "";
      if (overHttp) {
        // A request that got no answer at all (the client reused a keep-alive socket the server was closing:
        // "fetch failed", no status) is sent once more and counted; a second failure counts as 599. A handler
        // that throws is answered 500 by the bridge, so it can never hide here.
        const send = () => fetch(toRequest(w.httpUrl, shot, i));
        const res = await send()
          .catch(() => {
            tally.resent += 1;
            return send();
          })
          .catch((err: unknown) => ({ status: 599, text: async () => String(err) }));
        status = res.status;
        text = await res.text();
        tally.overHttp += 1;
      } else {
        const res = await w.dispatch(toRequest("http://127.0.0.1:3000", shot, i));
        status = res.status;
        text = await res.text();
      }
      tally.sent += 1;
      tally.byStatus.set(status, (tally.byStatus.get(status) ?? 0) + 1);
      if (status >= 500)
        tally.fiveXx.push(`${route} #${i} → ${status} ${text.slice(0, 200)} ${describeShot(shot)}`);
      const acceptedId = status === 200 ? /"status":"accepted","id":"([^"]+)"/.exec(text)?.[1] : undefined;
      if (acceptedId) tally.accepted.add(acceptedId);
      if (shot.valid) {
        tally.validSent += 1;
        if (status !== 200 || !/"status":"(accepted|duplicate)"/.test(text))
          tally.validRefused.push(`${route} #${i} → ${status} ${text.slice(0, 200)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  tally.ms = Math.round(performance.now() - started);
  return tally;
}

describe("R5: generated bodies on every public route", () => {
  it(`${PER_ROUTE} bodies per route: 0 × 5xx, every valid event stored and queued, the process alive`, async () => {
    const key = w.tenant.webhookKey;
    const { appRouter } = await import("@/server/trpc/router");
    const procedures = Object.keys(
      (appRouter as unknown as { _def: { procedures: object } })._def.procedures,
    );
    const routes: [string, fc.Arbitrary<Shot>][] = [
      ...Object.entries(MANGO_ROUTES).map(([name, paths]): [string, fc.Arbitrary<Shot>] => [
        name,
        mangoShots(paths, key),
      ]),
      ["amocrm dp", amocrmShots("dp", key)],
      ["amocrm events", amocrmShots("events", key)],
      ["amocrm uninstall", uninstallShots()],
      ["widget api/session (exchange)", widgetShots("/widget/api/session", ["POST"])],
      ["widget entry api/widget/session", widgetShots("/api/widget/session", ["GET", "POST"])],
      ["widget launch", widgetShots("/api/widget/launch", ["POST", "OPTIONS"])],
      ["widget calls/ticket", widgetShots("/api/widget/calls/ticket", ["POST", "OPTIONS"])],
      ["widget calls/action", widgetShots("/api/widget/calls/action", ["POST", "OPTIONS"])],
      ["widget calls/stream", widgetShots("/api/widget/calls/stream", ["GET"])],
      ["trpc (no session)", trpcShots("/api/trpc", procedures)],
      ["widget trpc (no session)", trpcShots("/widget/api/trpc", procedures)],
      ["inngest (local job driver)", widgetShots("/api/inngest", ["GET", "POST", "PUT"])],
    ];

    const started = performance.now();
    const tallies: [string, Tally][] = [];
    let index = 0;
    for (const [r, [name, arb]] of routes.entries()) {
      const shots = fc.sample(arb, { seed: SEED + r, numRuns: PER_ROUTE });
      tallies.push([name, await fire(name, shots, index)]);
      index += PER_ROUTE;
    }

    const total = tallies.reduce((n, [, t]) => n + t.sent, 0);
    const overHttp = tallies.reduce((n, [, t]) => n + t.overHttp, 0);
    const resent = tallies.reduce((n, [, t]) => n + t.resent, 0);
    const fiveXx = tallies.flatMap(([, t]) => t.fiveXx);
    const validSent = tallies.reduce((n, [, t]) => n + t.validSent, 0);
    const validRefused = tallies.flatMap(([, t]) => t.validRefused);
    const accepted = new Set(tallies.flatMap(([, t]) => [...t.accepted]));

    // Every valid event is in the inbox, accepted, with its run queued.
    const [stored] = await w.t.db
      .select({
        n: sql<number>`count(*)::int`,
        ids: sql<string[]>`coalesce(array_agg(${webhookInbox.id}::text), '{}')`,
      })
      .from(webhookInbox)
      .innerJoin(jobRuns, eq(jobRuns.id, webhookInbox.jobRunId))
      .where(
        and(
          eq(webhookInbox.tenantId, w.tenant.id),
          eq(webhookInbox.status, "accepted"),
          isNotNull(webhookInbox.jobRunId),
        ),
      );
    const [unqueued] = await w.t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(webhookInbox)
      .where(
        and(
          eq(webhookInbox.status, "accepted"),
          sql`${webhookInbox.jobRunId} is null`,
          ne(webhookInbox.kind, "uninstall"),
        ),
      );
    const health = await fetch(`${w.httpUrl}/api/health`);
    const rss = Math.round(process.memoryUsage().rss / 1_048_576);

    const statuses = new Map<number, number>();
    for (const [, t] of tallies) for (const [s, n] of t.byStatus) statuses.set(s, (statuses.get(s) ?? 0) + n);
    const line = (m: Map<number, number>) =>
      [...m]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}×${n}`)
        .join(" ");
    const seconds = (performance.now() - started) / 1000;
    const perRoute = tallies.map(
      ([name, t]) =>
        `R5   ${name}: ${t.sent} (${t.overHttp} HTTP) in ${(t.ms / 1000).toFixed(1)} s, ${line(t.byStatus)}`,
    );
    console.log(
      [
        `R5 fuzz (fast-check seed ${SEED}): ${total} bodies over ${routes.length} routes, ≥${PER_ROUTE} each ` +
          `(${overHttp} over real HTTP, ${resent} of them resent after a transport failure, the rest handed to the ` +
          `route handlers in-process), ${fiveXx.length} × 5xx, ` +
          `${validSent} valid signed/well-formed events sent and ${validRefused.length} refused, ` +
          `${accepted.size} answered accepted = ${stored!.n} stored and queued, ${unqueued!.n} accepted unqueued, ` +
          `process alive (health ${health.status} after, rss ${rss} MB), ${seconds.toFixed(0)} s; statuses ${line(statuses)}`,
        ...perRoute,
      ].join("\n"),
    );

    expect(fiveXx.slice(0, 5)).toEqual([]);
    expect(validRefused.slice(0, 5)).toEqual([]);
    expect(tallies.every(([, t]) => t.sent >= PER_ROUTE)).toBe(true);
    expect(validSent).toBeGreaterThan(0);
    expect(stored!.n).toBe(accepted.size);
    expect(new Set(stored!.ids)).toEqual(accepted);
    expect(unqueued!.n).toBe(0);
    expect(health.status).toBe(200);
  }, 1_800_000);
});
