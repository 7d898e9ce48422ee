// The control page's bridge to the MANGO OFFICE emulator: plain HTTP to its control API at a URL the
// launcher passes (option `mangoUrl`), server to server — no import of the MANGO emulator, no CORS.

/** `at` in epoch milliseconds (the MANGO emulator's clock). */
export type MangoRequest = {
  id: number;
  at: number;
  method: string;
  path: string;
  apiKey: string | null;
  status: number;
  code: number | null;
};

/** An event MANGO posted to a PBX's events address, with its attempts (`at` in ms). */
export type MangoDelivery = {
  pbxId: string;
  url: string;
  path: string;
  attempts: Array<{ at: number; status: number | null; error?: string }>;
  delivered: boolean;
  gaveUp: boolean;
};

async function call(url: string, init?: RequestInit): Promise<{ ok: boolean; body: unknown; text: string }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the message
  }
  return { ok: res.ok, body, text };
}

const post = (mangoUrl: string, path: string, body: unknown) =>
  call(`${mangoUrl}/__control/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

/** Call shapes the «Позвонить» form offers (MANGO emulator scenario options, emulators/README.md). */
export const CALL_SHAPES = {
  plain: "обычный",
  blind: "перевод",
  consultative: "перевод с консультацией",
  hold: "удержание",
  group: "группа 201",
} as const;
export type CallShape = keyof typeof CALL_SHAPES;

export type RingForm = {
  pbx: string;
  from: string;
  extension: string;
  answered: boolean;
  talkSeconds: number;
  instant: boolean;
  shape?: CallShape;
  /** Where a transfer goes (blind / consultative). */
  transferTo?: string;
  /** MANGO's untidy event format (string numbers, non-base64 ids, optional keys left out). */
  untidy?: boolean;
};

/** The MANGO emulator's `incoming` scenario for the form: who rings, who answers, what happens after. */
function incomingScenario(f: RingForm): Record<string, unknown> {
  const shape = f.shape ?? "plain";
  // Hold and transfers happen in a conversation, so those shapes are always answered.
  const answered = f.answered || (shape !== "plain" && shape !== "group");
  const to = f.transferTo || "102";
  return {
    type: "incoming",
    pbx: f.pbx,
    from: f.from,
    ...(shape === "group" ? { group: "201" } : { ring: [f.extension] }),
    ...(answered ? { answeredBy: f.extension, talkSeconds: f.talkSeconds } : {}),
    ...(shape === "blind" || shape === "consultative" ? { transfer: { method: shape, to } } : {}),
    ...(shape === "hold" ? { hold: {} } : {}),
    ...(f.untidy ? { untidy: true } : {}),
    instant: f.instant,
  };
}

/** Rings an incoming call through MANGO's `/__control/scenarios`; returns a Russian one-line outcome. */
export async function ring(mangoUrl: string, f: RingForm): Promise<string> {
  const scenario = incomingScenario(f);
  const out = await post(mangoUrl, "scenarios", scenario);
  if (!out.ok) return `MANGO OFFICE отказал: ${out.text.slice(0, 300)}`;
  const entry = (out.body as { entry_id?: string } | null)?.entry_id ?? "?";
  const shape = f.shape && f.shape !== "plain" ? `, ${CALL_SHAPES[f.shape]}` : "";
  const talk = scenario.answeredBy ? `, разговор ${f.talkSeconds} с` : ", без ответа";
  return `Звонок с ${f.from} на ${f.extension} запущен (entry_id ${entry}${shape}${talk}).`;
}

/** Points a PBX's events at `url` (what the owner pastes into MANGO's «Адрес внешней системы»). */
export async function setEventsUrl(mangoUrl: string, pbx: string, url: string): Promise<string> {
  const out = await post(mangoUrl, "webhook", { pbx, url });
  return out.ok
    ? `MANGO OFFICE (${pbx}) шлёт события на ${url}.`
    : `MANGO OFFICE отказал: ${out.text.slice(0, 300)}`;
}

/** Events base URL per PBX and the newest API requests; null when the MANGO emulator does not answer. */
export async function mangoOverview(mangoUrl: string): Promise<{
  webhooks: Array<{ pbx: string; url: string }>;
  requests: MangoRequest[];
  deliveries: MangoDelivery[];
} | null> {
  try {
    const webhooks = await Promise.all(
      ["demo", "other"].map(async (pbx) => {
        const r = await call(`${mangoUrl}/__control/webhook?pbx=${pbx}`);
        return { pbx, url: r.ok ? String((r.body as { url?: string } | null)?.url ?? "") : "—" };
      }),
    );
    const r = await call(`${mangoUrl}/__control/requests`);
    const requests = ((r.body as { requests?: MangoRequest[] } | null)?.requests ?? []).slice(-50).reverse();
    const d = await call(`${mangoUrl}/__control/deliveries`);
    const deliveries = ((d.body as { deliveries?: MangoDelivery[] } | null)?.deliveries ?? [])
      .slice(-30)
      .reverse();
    return { webhooks, requests, deliveries };
  } catch {
    return null;
  }
}
