// The control page (`/__control/ui`) and the read-only cards (`/a/<sub>/contacts|leads/detail/<id>`): the page's
// forms move a deal and change its responsible with the same DP and account webhooks as the control API,
// ring an incoming call through the MANGO emulator, and every shown value is HTML-escaped.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type MangoEmulator, startMangoEmulator } from "../mango/server";
import { PIPELINE_MAIN, STATUS, USERS } from "./seed";
import { type Harness, startHarness, startReceiver } from "./test-support";

let h: Harness;
let mango: MangoEmulator;
let rx: Awaited<ReturnType<typeof startReceiver>>;

const LEAD = 167353; // «Поставка оборудования — Иванов», «Переговоры», contact 3 Иван Иванов

beforeAll(async () => {
  rx = await startReceiver();
  mango = await startMangoEmulator({ port: 0, eventsBaseUrl: `${rx.url}/mango` });
  h = await startHarness({ mangoUrl: mango.url });
});
afterAll(async () => {
  await h.emu.close();
  await mango.close();
  await rx.close();
});
beforeEach(async () => {
  await h.control("/reset");
  rx.got.length = 0;
});

/** Submits one of the page's forms as a browser does (urlencoded POST), without following the redirect. */
async function submit(action: string, fields: Record<string, string>) {
  const res = await fetch(`${h.emu.url}/__control/ui/${action}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  expect(res.status).toBe(303);
  const location = new URL(res.headers.get("location") ?? "", h.emu.url);
  return { location, msg: location.searchParams.get("msg") ?? "" };
}

const getText = async (path: string) => {
  const res = await fetch(`${h.emu.url}${path}`);
  return { status: res.status, type: res.headers.get("content-type"), html: await res.text() };
};

describe("control page", () => {
  it("lists each account's deals with pipeline, stage and responsible, in Russian", async () => {
    const page = await getText("/__control/ui");
    expect(page.status).toBe(200);
    expect(page.type).toContain("text/html");
    expect(page.html).toContain('<html lang="ru">');
    expect(page.html).toContain("Пульт эмулятора amoCRM");
    expect(page.html).toContain("Поставка оборудования — Иванов");
    expect(page.html).toContain("Основная воронка → Переговоры");
    expect(page.html).toContain("Алексей Смирнов");
    expect(page.html).toContain(`/a/demo/leads/detail/${LEAD}`);
    const other = await getText("/__control/ui?account=other");
    expect(other.html).toContain("Сделка другого аккаунта");
    expect(other.html).not.toContain("Поставка оборудования");
    // `/__control/` leads to the page.
    const root = await fetch(`${h.emu.url}/__control/`, { redirect: "manual" });
    expect(root.headers.get("location")).toBe("/__control/ui");
  });

  it("moving a deal posts the DP webhook and the account webhook, as /__control/leads/move does", async () => {
    await h.control("/dp/actions", {
      subdomain: "demo",
      pipeline_id: PIPELINE_MAIN,
      status_id: STATUS.mainDecision,
      webhook_url: `${rx.url}/dp`,
    });
    await h.login();
    await h.api("POST", "/api/v4/webhooks", { destination: `${rx.url}/hook`, settings: ["status_lead"] });

    const { msg } = await submit("move", {
      account: "demo",
      lead_id: String(LEAD),
      stage: `${PIPELINE_MAIN}:${STATUS.mainDecision}`,
    });
    expect(msg).toContain("перенесена на этап «Основная воронка → Принимают решение»");
    const deliveries = (await h.control("/deliveries", undefined, "GET")).body as Array<{
      kind: string;
      url: string;
      status: number;
    }>;
    expect(deliveries.map((d) => [d.kind, d.url, d.status])).toEqual(
      expect.arrayContaining([
        ["dp", `${rx.url}/dp`, 200],
        ["webhook", `${rx.url}/hook`, 200],
      ]),
    );
    expect(JSON.parse(rx.got.find((r) => r.url === "/dp")?.body ?? "{}").event.data).toMatchObject({
      id: LEAD,
      status_id: STATUS.mainDecision,
    });
    const page = await getText("/__control/ui");
    expect(page.html).toContain("Основная воронка → Принимают решение");
    // The account webhook's form body is shown decoded, one field a line.
    expect(page.html).toContain(`leads[status][0][id]=${LEAD}`);
  });

  it("changing the responsible posts the responsible_lead account webhook", async () => {
    await h.login();
    await h.api("POST", "/api/v4/webhooks", {
      destination: `${rx.url}/hook`,
      settings: ["responsible_lead"],
    });
    const { msg } = await submit("responsible", {
      account: "demo",
      lead_id: String(LEAD),
      user_id: String(USERS.analyst),
    });
    expect(msg).toContain("передана пользователю «Ольга Кузнецова»");
    const hook = rx.got.find((r) => r.url === "/hook");
    const form = new URLSearchParams(hook?.body ?? "");
    expect(form.get("leads[responsible][0][id]")).toBe(String(LEAD));
    expect(form.get("leads[responsible][0][responsible_user_id]")).toBe(String(USERS.analyst));
    const lead = await h.api("GET", `/api/v4/leads/${LEAD}`);
    expect((lead.body as { responsible_user_id: number }).responsible_user_id).toBe(USERS.analyst);
  });

  it("rings an incoming call through the MANGO emulator and shows both request logs", async () => {
    const { msg } = await submit("ring", {
      account: "demo",
      pbx: "demo",
      from: "+79161234567",
      extension: "101",
      answered: "1",
      talk_seconds: "20",
      instant: "1",
    });
    expect(msg).toMatch(/^Звонок с \+79161234567 на 101 запущен/);
    const sent = await fetch(`${mango.url}/__control/deliveries?wait=1&path=events/summary`);
    const { deliveries } = (await sent.json()) as { deliveries: unknown[] };
    expect(deliveries.length).toBeGreaterThan(0);
    expect(rx.got.some((r) => r.url === "/mango/events/summary")).toBe(true);

    // A request the portal would make shows up in the page's logs.
    await h.login();
    await h.api("GET", "/api/v4/account");
    const page = await getText("/__control/ui");
    expect(page.html).toContain("GET /a/demo/api/v4/account");
    expect(page.html).toContain("Запросы портала к MANGO OFFICE");
    expect(page.html).toContain(`<code>${rx.url}/mango</code>`); // where the demo PBX posts events
    expect(page.html).toContain(`${rx.url}/mango/events/summary`); // the events it posted
  });

  it("offers the call shapes and rings a consultative transfer and a group call through MANGO", async () => {
    const page = await getText("/__control/ui");
    for (const label of ["обычный", "перевод", "перевод с консультацией", "удержание", "группа 201"])
      expect(page.html).toContain(`>${label}</option>`);
    const events = async (path: string) => {
      const res = await fetch(`${mango.url}/__control/deliveries?wait=1&path=${path}`);
      const { deliveries } = (await res.json()) as { deliveries: Array<{ json: string }> };
      return deliveries.map((d) => JSON.parse(d.json) as Record<string, unknown>);
    };
    await fetch(`${mango.url}/__control/deliveries`, { method: "DELETE" });
    const { msg } = await submit("ring", {
      account: "demo",
      pbx: "demo",
      from: "+79161234567",
      extension: "101",
      shape: "consultative",
      transfer_to: "103",
      talk_seconds: "20",
      instant: "1",
    });
    expect(msg).toMatch(/^Звонок с \+79161234567 на 101 запущен .*перевод с консультацией, разговор 20 с/);
    const calls = await events("events/call");
    expect(calls.some((c) => c.call_state === "OnHold" && c.transfer === "consultative")).toBe(true);
    expect((await events("events/summary")).at(-1)).toMatchObject({ to: { extension: "103" } });

    await fetch(`${mango.url}/__control/deliveries`, { method: "DELETE" });
    await submit("ring", {
      account: "demo",
      pbx: "demo",
      from: "+79161234567",
      extension: "102",
      answered: "1",
      shape: "group",
      untidy: "1",
      instant: "1",
    });
    const group = await events("events/call");
    const ringing = group.filter((c) => c.call_state === "Appeared" && c.location === "abonent");
    expect(ringing.length).toBeGreaterThan(1);
    expect(group.every((c) => typeof c.seq === "string")).toBe(true);
    expect((await events("events/summary")).at(-1)).toMatchObject({ to: { extension: "102" } });
  });

  it("points a PBX's events at the address the portal shows", async () => {
    const { msg } = await submit("mango-webhook", {
      account: "demo",
      pbx: "other",
      url: "http://localhost:3000/api/mango/k-123",
    });
    expect(msg).toBe("MANGO OFFICE (other) шлёт события на http://localhost:3000/api/mango/k-123.");
    const hook = await (await fetch(`${mango.url}/__control/webhook?pbx=other`)).json();
    expect(hook).toMatchObject({ url: "http://localhost:3000/api/mango/k-123" });
  });

  it("escapes what it shows", async () => {
    h.emu.emu.state.accounts.demo!.leads[0]!.name = '<script>alert("x")</script>';
    const page = await getText("/__control/ui");
    expect(page.html).not.toContain("<script>alert");
    expect(page.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    const msg = await getText(`/__control/ui?msg=${encodeURIComponent("<img src=x onerror=alert(1)>")}`);
    expect(msg.html).not.toContain("<img src=x");
  });
});

describe("read-only cards", () => {
  it("a contact card: name, phones, fields, deals, responsible", async () => {
    const card = await getText("/a/demo/contacts/detail/3");
    expect(card.status).toBe(200);
    expect(card.type).toContain("text/html");
    expect(card.html).toContain('<h1 data-testid="entity-name">Иван Иванов</h1>');
    expect(card.html).toContain("+79161234567 (WORK)");
    expect(card.html).toContain("ivanov@example.ru");
    expect(card.html).toContain(`/a/demo/leads/detail/${LEAD}`);
    expect(card.html).toContain("Алексей Смирнов");
  });

  it("a deal card: stage, responsible, contacts, tasks and notes", async () => {
    const card = await getText(`/a/demo/leads/detail/${LEAD}`);
    expect(card.status).toBe(200);
    expect(card.html).toContain("Поставка оборудования — Иванов");
    expect(card.html).toContain("Основная воронка → Переговоры");
    expect(card.html).toContain("/a/demo/contacts/detail/3");
    expect(card.html).toContain("Пригласить на встречу");
    expect(card.html).toContain("Здравствуйте, жду счёт");
  });

  it("a call logged through the API shows on the contact's card", async () => {
    await h.login();
    const added = await h.api("POST", "/api/v4/calls", [
      {
        direction: "inbound",
        phone: "+79031112233",
        source: "amango",
        duration: 42,
        call_status: 4,
        uniq: "u-1",
      },
    ]);
    expect(added.status).toBe(200);
    const card = await getText("/a/demo/contacts/detail/11070881");
    expect(card.html).toContain("Анна Петрова");
    expect(card.html).toContain("входящий");
    expect(card.html).toContain("42 с");
  });

  it("unknown ids, accounts and other accounts' entities are 404 pages; not in the API request log", async () => {
    for (const path of [
      "/a/demo/contacts/detail/999",
      "/a/demo/leads/detail/abc",
      "/a/other/leads/detail/167353",
      "/a/nope/contacts/detail/3",
    ]) {
      const res = await getText(path);
      expect(res.status, path).toBe(404);
    }
    expect((await getText("/a/demo/contacts/detail/999")).html).toContain("не найдена");
    const log = (await h.control("/requests", undefined, "GET")).body as Array<{ path: string }>;
    expect(log.filter((e) => e.path.includes("/detail/"))).toEqual([]);
  });

  it("dates on the account's clock", async () => {
    expect((await getText("/a/demo/contacts/detail/3")).html).toContain("25.10.2025, 19:00"); // Moscow
    h.emu.emu.state.accounts.demo!.timezone = "Asia/Novosibirsk";
    expect((await getText("/a/demo/contacts/detail/3")).html).toContain("25.10.2025, 23:00");
  });

  it("escapes entity values", async () => {
    h.emu.emu.state.accounts.demo!.contacts[0]!.name = "<b onmouseover=x>Иван</b>";
    const card = await getText("/a/demo/contacts/detail/3");
    expect(card.html).not.toContain("<b onmouseover");
    expect(card.html).toContain("&lt;b onmouseover=x&gt;Иван&lt;/b&gt;");
  });
});
