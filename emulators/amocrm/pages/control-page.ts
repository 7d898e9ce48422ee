// The control page (`GET /__control/ui`): what a demo visitor would otherwise do with curl and ids nobody can
// see. Per account: deals with pipeline, stage and responsible, forms to move a deal or change its responsible
// (the same change as `/__control/leads/move|update`, so DP and account webhooks go out), an incoming call
// rung through the MANGO emulator (its URL is the `mangoUrl` option), and the request logs of both emulators.
import { accountTimezone } from "../api/account";
import type { Emu } from "../context";
import type { Req, Res } from "../http";
import { changeLead } from "../lead-actions";
import type { Account } from "../state";
import { h, page, type Raw, raw, when } from "./html";
import { CALL_SHAPES, type CallShape, mangoOverview, ring, setEventsUrl } from "./mango-relay";

export const CONTROL_PAGE = "/__control/ui";

function form(req: Req): URLSearchParams {
  return new URLSearchParams(req.rawBody);
}

function back(account: string, msg: string): Res {
  const q = new URLSearchParams({ account, msg });
  return { status: 303, headers: { location: `${CONTROL_PAGE}?${q}` } };
}

const userName = (acc: Account, id: number) =>
  acc.users.find((u) => u.id === id)?.name ?? `пользователь ${id}`;
const stageName = (acc: Account, pipelineId: number, statusId: number) => {
  const p = acc.pipelines.find((x) => x.id === pipelineId);
  return `${p?.name ?? pipelineId} → ${p?.statuses.find((s) => s.id === statusId)?.name ?? statusId}`;
};

/** Handles `/__control/ui` (page) and `/__control/ui/<action>` (form posts, answered with a redirect). */
export async function controlPage(emu: Emu, req: Req, mangoUrl: string | undefined): Promise<Res> {
  const action = req.url.pathname.slice(CONTROL_PAGE.length).replace(/^\//, "");
  if (req.method === "GET" && action === "") return render(emu, req, mangoUrl);
  if (req.method !== "POST")
    return page("Нет такой страницы", h`<main><h1>Нет такой страницы</h1></main>`, 404);
  const f = form(req);
  const accName = f.get("account") ?? "demo";
  const acc = emu.state.accounts[accName];
  if (!acc) return back("demo", `Нет аккаунта ${accName}`);
  const lead = acc.leads.find((l) => l.id === Number(f.get("lead_id")));
  if (action === "move" || action === "responsible") {
    if (!lead) return back(accName, `Нет сделки ${f.get("lead_id")}`);
    let changes: Record<string, number>;
    let what: string;
    if (action === "move") {
      const [pipelineId, statusId] = String(f.get("stage")).split(":").map(Number);
      changes = { pipeline_id: pipelineId ?? 0, status_id: statusId ?? 0 };
      what = `перенесена на этап «${stageName(acc, pipelineId ?? 0, statusId ?? 0)}»`;
    } else {
      const userId = Number(f.get("user_id"));
      changes = { responsible_user_id: userId };
      what = `передана пользователю «${userName(acc, userId)}»`;
    }
    const out = await changeLead(emu, acc, { leadId: lead.id, changes });
    if (out.status >= 400)
      return back(accName, `amoCRM отказал (${out.status}): ${JSON.stringify(out.result)}`);
    const sent = out.deliveries.map((d) => `${d.kind === "dp" ? "DP" : "вебхук"} → ${d.status ?? d.error}`);
    return back(
      accName,
      `Сделка «${lead.name}» ${what}. Отправлено: ${sent.length ? sent.join(", ") : "ничего"}.`,
    );
  }
  if (!mangoUrl) return back(accName, "Адрес эмулятора MANGO OFFICE не задан (опция mangoUrl).");
  try {
    if (action === "ring") {
      const msg = await ring(mangoUrl, {
        pbx: f.get("pbx") ?? "demo",
        from: f.get("from") ?? "",
        extension: f.get("extension") ?? "101",
        answered: f.get("answered") === "1",
        talkSeconds: Number(f.get("talk_seconds") ?? 35) || 35,
        instant: f.get("instant") === "1",
        shape: (Object.keys(CALL_SHAPES) as CallShape[]).find((k) => k === f.get("shape")) ?? "plain",
        transferTo: f.get("transfer_to") ?? "102",
        untidy: f.get("untidy") === "1",
      });
      return back(accName, msg);
    }
    if (action === "mango-webhook")
      return back(accName, await setEventsUrl(mangoUrl, f.get("pbx") ?? "demo", f.get("url") ?? ""));
  } catch (e) {
    return back(accName, `Эмулятор MANGO OFFICE не ответил: ${e instanceof Error ? e.message : String(e)}`);
  }
  return back(accName, `Неизвестное действие ${action}`);
}

const whenMs = (ms: number, timeZone: string) => when(Math.floor(ms / 1000), timeZone);

/** Form-encoded webhook bodies decoded for reading (`leads[status][0][id]=…`, one field a line). */
function readable(body: string): string {
  if (body.startsWith("{") || !body.includes("=")) return body;
  try {
    return [...new URLSearchParams(body)].map(([k, v]) => `${k}=${v}`).join("\n");
  } catch {
    return body;
  }
}

function dealsTable(emu: Emu, acc: Account): Raw {
  const base = `${emu.publicBaseUrl}/a/${acc.subdomain}`;
  const stages = (current: number, pipelineId: number) =>
    acc.pipelines.map(
      (p) =>
        h`<optgroup label="${p.name}">${p.statuses.map(
          (s) =>
            h`<option value="${p.id}:${s.id}"${raw(p.id === pipelineId && s.id === current ? " selected" : "")}>${s.name}</option>`,
        )}</optgroup>`,
    );
  const users = acc.users.filter((u) => u.is_active);
  const rows = acc.leads
    .filter((l) => !l.is_deleted)
    .map((l) => {
      const contacts = l.contacts.flatMap((r) => {
        const c = acc.contacts.find((x) => x.id === r.id);
        return c ? [h`<a href="${base}/contacts/detail/${c.id}">${c.name}</a> `] : [];
      });
      const hidden = h`<input type="hidden" name="account" value="${acc.subdomain}"><input type="hidden" name="lead_id" value="${l.id}">`;
      return h`<tr data-lead="${l.id}"><td><a href="${base}/leads/detail/${l.id}">${l.name}</a><div class="muted">№ ${l.id}</div></td>
<td>${contacts}</td><td data-testid="stage">${stageName(acc, l.pipeline_id, l.status_id)}</td><td data-testid="responsible">${userName(acc, l.responsible_user_id)}</td>
<td><form class="inline" method="post" action="${CONTROL_PAGE}/move">${hidden}<select name="stage" aria-label="Этап для сделки ${l.id}">${stages(l.status_id, l.pipeline_id)}</select><button>Перенести</button></form></td>
<td><form class="inline" method="post" action="${CONTROL_PAGE}/responsible">${hidden}<select name="user_id" aria-label="Ответственный для сделки ${l.id}">${users.map(
        (u) =>
          h`<option value="${u.id}"${raw(u.id === l.responsible_user_id ? " selected" : "")}>${u.name}</option>`,
      )}</select><button>Назначить</button></form></td></tr>`;
    });
  return h`<table><tr><th>Сделка</th><th>Контакты</th><th>Воронка → этап</th><th>Ответственный</th><th>Перенести на этап</th><th>Сменить ответственного</th></tr>${rows}</table>`;
}

async function mangoSection(acc: Account, mangoUrl: string | undefined): Promise<Raw> {
  if (!mangoUrl)
    return h`<p class="muted">Эмулятор MANGO OFFICE не подключён к пульту: запустите его вместе с amoCRM (npm run demo или npm run emulators) или передайте опцию mangoUrl.</p>`;
  const overview = await mangoOverview(mangoUrl);
  const tz = accountTimezone(acc);
  const phones = acc.contacts.flatMap((c) =>
    c.custom_fields_values.flatMap((cf) =>
      cf.values
        .filter((v) => String(v.value ?? "").startsWith("+"))
        .map((v) => ({ phone: String(v.value), name: c.name })),
    ),
  );
  const pbx = acc.subdomain === "other" ? "other" : "demo";
  const acct = h`<input type="hidden" name="account" value="${acc.subdomain}">`;
  const ringForm = h`<form method="post" action="${CONTROL_PAGE}/ring">${acct}
<label>АТС <select name="pbx"><option value="demo"${raw(pbx === "demo" ? " selected" : "")}>demo</option><option value="other"${raw(pbx === "other" ? " selected" : "")}>other</option></select></label>
<label>Звонит <input name="from" list="phones" value="${phones[0]?.phone ?? "+79991234567"}" size="14"></label>
<datalist id="phones">${phones.map((p) => h`<option value="${p.phone}">${p.name}</option>`)}</datalist>
<label>Добавочный <input name="extension" value="101" size="4"></label>
<label><input type="checkbox" name="answered" value="1" checked> ответили</label>
<label>разговор, с <input name="talk_seconds" type="number" min="1" value="35" style="width:5em"></label>
<label>Как <select name="shape" aria-label="Как идёт звонок">${Object.entries(CALL_SHAPES).map(([k, v]) => h`<option value="${k}">${v}</option>`)}</select></label>
<label>перевести на <input name="transfer_to" value="102" size="4"></label>
<label><input type="checkbox" name="untidy" value="1"> события «как в жизни»</label>
<label><input type="checkbox" name="instant" value="1" checked> сразу (без ожидания)</label>
<button>Позвонить</button></form>`;
  if (!overview) return h`${ringForm}<p class="bad">Эмулятор MANGO OFFICE (${mangoUrl}) не отвечает.</p>`;
  const hooks = overview.webhooks.map((w) => h`<tr><td>${w.pbx}</td><td><code>${w.url}</code></td></tr>`);
  const requests = overview.requests.map(
    (r) =>
      h`<tr><td>${whenMs(r.at, tz)}</td><td>${r.apiKey ?? ""}</td><td>${r.method} ${r.path}</td><td>${r.status}</td><td>${r.code ?? ""}</td></tr>`,
  );
  const events = overview.deliveries.map((d) => {
    const last = d.attempts.at(-1);
    const outcome = d.delivered
      ? `${last?.status}`
      : d.gaveUp
        ? `не доставлено: ${last?.error ?? last?.status}`
        : "в пути";
    return h`<tr><td>${whenMs(last?.at ?? 0, tz)}</td><td>${d.pbxId}</td><td><code>${d.url}</code></td><td>${outcome}</td><td>${d.attempts.length}</td></tr>`;
  });
  return h`${ringForm}
<h2 style="margin-top:16px">Куда MANGO OFFICE шлёт события</h2><table><tr><th>АТС</th><th>Адрес событий</th></tr>${hooks}</table>
<form method="post" action="${CONTROL_PAGE}/mango-webhook" style="margin-top:8px">${acct}<select name="pbx"><option>demo</option><option${raw(pbx === "other" ? " selected" : "")}>other</option></select>
<input name="url" size="60" placeholder="адрес из «Обзора» портала, например http://localhost:3000/api/mango/…" required><button>Сохранить адрес</button></form>
<h2 style="margin-top:16px">События, отправленные MANGO OFFICE</h2>
${events.length ? h`<table><tr><th>Когда</th><th>АТС</th><th>Куда</th><th>Ответ</th><th>Попыток</th></tr>${events}</table>` : h`<p class="muted">Пока ничего</p>`}
<h2 style="margin-top:16px">Запросы портала к MANGO OFFICE</h2><p class="muted"><a href="${mangoUrl}/__control/requests">все в JSON</a></p>
${requests.length ? h`<table><tr><th>Когда</th><th>Ключ</th><th>Запрос</th><th>HTTP</th><th>result</th></tr>${requests}</table>` : h`<p class="muted">Запросов ещё не было</p>`}`;
}

async function render(emu: Emu, req: Req, mangoUrl: string | undefined): Promise<Res> {
  const accounts = Object.values(emu.state.accounts);
  const acc = emu.state.accounts[req.url.searchParams.get("account") ?? "demo"] ?? accounts[0];
  if (!acc) return page("Пульт эмулятора", h`<main>Нет аккаунтов</main>`);
  const msg = req.url.searchParams.get("msg");
  const tz = accountTimezone(acc);
  const deliveries = emu.deliveries
    .slice(-30)
    .reverse()
    .map(
      (d) =>
        h`<tr><td>${when(d.at, tz)}</td><td>${d.kind === "dp" ? "DP виджета" : d.kind === "webhook" ? "вебхук аккаунта" : "отключение"}</td><td><code>${d.url}</code></td><td>${d.status ?? d.error}</td><td><pre>${readable(d.body).slice(0, 500)}</pre></td></tr>`,
    );
  const log = emu.log
    .filter((e) => e.path.startsWith(`/a/${acc.subdomain}/`))
    .slice(-50)
    .reverse()
    .map(
      (e) =>
        h`<tr><td>${when(e.at, tz)}</td><td>${e.method} ${e.path}${e.query}</td><td>${e.status}</td></tr>`,
    );
  return page(
    "Пульт эмулятора amoCRM",
    h`<header><h1>Пульт эмулятора amoCRM</h1>${accounts.map(
      (a) =>
        h`<a href="${CONTROL_PAGE}?account=${a.subdomain}"${raw(a === acc ? ' aria-current="page"' : "")}>${a.name} (${a.subdomain})</a>`,
    )}<a href="${emu.publicBaseUrl}/a/${acc.subdomain}/__widget-host">Страница виджета</a></header>
<main>${msg ? h`<div class="notice" role="status" data-testid="notice">${msg}</div>` : raw("")}
<section><h2>Сделки аккаунта «${acc.name}»</h2>${dealsTable(emu, acc)}</section>
<section><h2>Входящий звонок (эмулятор MANGO OFFICE)</h2>${await mangoSection(acc, mangoUrl)}</section>
<section><h2>Вебхуки, отправленные amoCRM</h2>${deliveries.length ? h`<table><tr><th>Когда</th><th>Что</th><th>Куда</th><th>Ответ</th><th>Тело</th></tr>${deliveries}</table>` : h`<p class="muted">Пока ничего</p>`}</section>
<section><h2>Запросы портала к amoCRM</h2><p class="muted"><a href="/__control/requests?path=/a/${acc.subdomain}/">все в JSON</a></p>${log.length ? h`<table><tr><th>Когда</th><th>Запрос</th><th>HTTP</th></tr>${log}</table>` : h`<p class="muted">Запросов ещё не было</p>`}</section></main>`,
  );
}
