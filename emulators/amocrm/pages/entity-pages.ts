// Read-only stand-ins for amoCRM's own cards: `<account>/contacts/detail/<id>`, `/leads/detail/<id>` and
// `/companies/detail/<id>` (production: https://<sub>.amocrm.ru/leads/detail/<id>), so the portal's links to
// contacts and deals open something in the demo. Russian, plain HTML, every value escaped.
import { accountTimezone } from "../api/account";
import type { Emu } from "../context";
import type { Res } from "../http";
import type { Account, Call, EntityType, Note, StoredCf, Task } from "../state";
import { h, page, type Raw, raw, when } from "./html";

const ENTITY_PAGE = /^\/(contacts|leads|companies)\/detail\/([^/]+)\/?$/;

/** The card for `path` (relative to the account root), or null when the path is not a card address. */
export function entityPage(emu: Emu, acc: Account, path: string): Res | null {
  const m = ENTITY_PAGE.exec(path);
  if (!m) return null;
  const kind = m[1] as "contacts" | "leads" | "companies";
  const id = Number(m[2]);
  const base = `${emu.publicBaseUrl}/a/${acc.subdomain}`;
  const card =
    kind === "leads"
      ? leadCard(acc, base, id)
      : kind === "contacts"
        ? contactCard(acc, base, id)
        : companyCard(acc, base, id);
  if (card) return card;
  const what = { leads: "Сделка", contacts: "Контакт", companies: "Компания" }[kind];
  return page(
    `${what} не найдена`,
    h`${top(acc, base)}<main><section><h1>${what} № ${m[2]} не найдена в аккаунте «${acc.name}»</h1>
<p class="muted">Эмулятор amoCRM: такой записи нет (или она удалена).</p></section></main>`,
    404,
  );
}

function top(acc: Account, base: string): Raw {
  const root = base.replace(/\/a\/[^/]+$/, "");
  return h`<header><strong>Эмулятор amoCRM</strong><span>${acc.name} (${acc.subdomain})</span>
<a href="${root}/__control/ui?account=${acc.subdomain}">Пульт эмулятора</a></header>`;
}

const userName = (acc: Account, id: number | null | undefined) =>
  acc.users.find((u) => u.id === id)?.name ?? (id ? `пользователь ${id}` : "—");

function stageOf(acc: Account, pipelineId: number, statusId: number): string {
  const p = acc.pipelines.find((x) => x.id === pipelineId);
  const s = p?.statuses.find((x) => x.id === statusId);
  return `${p?.name ?? `воронка ${pipelineId}`} → ${s?.name ?? `этап ${statusId}`}`;
}

function fields(acc: Account, entity: EntityType, cfs: StoredCf[]): Raw {
  const rows = cfs.map((cf) => {
    const def = acc.custom_fields.find((f) => f.id === cf.field_id && f.entity_type === entity);
    const values = cf.values.map((v) => {
      const label = v.enum_code ?? def?.enums?.find((e) => e.id === v.enum_id)?.value;
      return def?.type === "multitext" && label ? `${v.value} (${label})` : String(v.value ?? label ?? "");
    });
    return h`<dt>${def?.name ?? `поле ${cf.field_id}`}</dt><dd data-field="${def?.code ?? cf.field_id}">${values.join(", ")}</dd>`;
  });
  return rows.length ? h`<dl>${rows}</dl>` : h`<p class="muted">Полей нет</p>`;
}

function tags(acc: Account, entity: EntityType, ids: number[]): string {
  return ids.map((id) => acc.tags[entity].find((t) => t.id === id)?.name ?? String(id)).join(", ") || "—";
}

function noteText(n: Note): string {
  const p = n.params;
  if (typeof p.text === "string") return p.text;
  const parts = [
    p.phone && `тел. ${p.phone}`,
    p.duration !== undefined && `${p.duration} с`,
    p.call_result && String(p.call_result),
    p.link && `запись: ${p.link}`,
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : JSON.stringify(p);
}

function notesOf(acc: Account, entity: EntityType, id: number): Raw {
  const list = acc.notes.filter((n) => n.entity_type === entity && n.entity_id === id);
  if (!list.length) return h`<p class="muted">Примечаний нет</p>`;
  return h`<table><tr><th>Когда</th><th>Тип</th><th>Автор</th><th>Текст</th></tr>${list.map(
    (n) =>
      h`<tr data-note="${n.id}"><td>${when(n.created_at, accountTimezone(acc))}</td><td>${n.note_type}</td><td>${userName(acc, n.created_by)}</td><td>${noteText(n)}</td></tr>`,
  )}</table>`;
}

/** Calls logged on any of `targets` (a contact's card also lists the calls amoCRM put on its deals). */
function callsOf(acc: Account, targets: Array<[Call["entity_type"], number]>): Raw {
  const list = acc.calls.filter((c) => targets.some(([t, id]) => c.entity_type === t && c.entity_id === id));
  if (!list.length) return h`<p class="muted">Звонков нет</p>`;
  const where = (c: Call) =>
    c.entity_type === "lead" ? (acc.leads.find((l) => l.id === c.entity_id)?.name ?? "") : "";
  return h`<table><tr><th>Направление</th><th>Телефон</th><th>Длительность</th><th>Результат</th><th>Ответственный</th><th>Сделка</th></tr>${list.map(
    (c) => {
      const r = c.request;
      const dir = r.direction === "inbound" ? "входящий" : "исходящий";
      return h`<tr data-call="${c.id}"><td>${dir}</td><td>${r.phone}</td><td>${r.duration ?? 0} с</td><td>${r.call_result ?? r.call_status ?? ""}</td><td>${userName(acc, Number(r.responsible_user_id ?? r.created_by) || null)}</td><td>${where(c)}</td></tr>`;
    },
  )}</table>`;
}

function tasksOf(acc: Account, entity: EntityType, id: number): Raw {
  const list = acc.tasks.filter((t: Task) => t.entity_type === entity && t.entity_id === id);
  if (!list.length) return h`<p class="muted">Задач нет</p>`;
  return h`<table><tr><th>Срок</th><th>Задача</th><th>Ответственный</th><th>Статус</th></tr>${list.map(
    (t) =>
      h`<tr data-task="${t.id}"><td>${when(t.complete_till, accountTimezone(acc))}</td><td>${t.text}</td><td>${userName(acc, t.responsible_user_id)}</td><td>${t.is_completed ? "выполнена" : "открыта"}</td></tr>`,
  )}</table>`;
}

function links(items: Array<{ href: string; label: string; extra?: string }>, empty: string): Raw {
  if (!items.length) return h`<p class="muted">${empty}</p>`;
  return h`<ul>${items.map((i) => h`<li><a href="${i.href}">${i.label}</a>${i.extra ? ` — ${i.extra}` : ""}</li>`)}</ul>`;
}

function card(title: string, acc: Account, base: string, sections: Array<[string, Raw]>): Res {
  return page(
    title,
    h`${top(acc, base)}<main>${sections.map(([name, body], i) =>
      i === 0 ? h`<section>${body}</section>` : h`<section><h2>${name}</h2>${body}</section>`,
    )}<p class="muted">Только просмотр: страница эмулятора вместо карточки amoCRM.</p></main>`,
  );
}

function leadCard(acc: Account, base: string, id: number): Res | null {
  const l = acc.leads.find((x) => x.id === id && !x.is_deleted);
  if (!l) return null;
  const loss = acc.loss_reasons.find((r) => r.id === l.loss_reason_id)?.name;
  const contacts = l.contacts.flatMap((ref) => {
    const c = acc.contacts.find((x) => x.id === ref.id);
    return c
      ? [{ href: `${base}/contacts/detail/${c.id}`, label: c.name, extra: ref.is_main ? "основной" : "" }]
      : [];
  });
  return card(l.name, acc, base, [
    [
      "",
      h`<h1 data-testid="entity-name">${l.name}</h1><p class="muted">Сделка № ${l.id}</p><dl>
<dt>Этап</dt><dd data-testid="lead-stage">${stageOf(acc, l.pipeline_id, l.status_id)}</dd>
<dt>Ответственный</dt><dd data-testid="responsible">${userName(acc, l.responsible_user_id)}</dd>
<dt>Бюджет</dt><dd>${l.price.toLocaleString("ru-RU")} ₽</dd><dt>Теги</dt><dd>${tags(acc, "leads", l.tag_ids)}</dd>
${loss ? h`<dt>Причина отказа</dt><dd>${loss}</dd>` : raw("")}<dt>Создана</dt><dd>${when(l.created_at, accountTimezone(acc))}</dd></dl>`,
    ],
    ["Поля", fields(acc, "leads", l.custom_fields_values)],
    ["Контакты", links(contacts, "Контактов нет")],
    ["Звонки", callsOf(acc, [["lead", l.id]])],
    ["Задачи", tasksOf(acc, "leads", l.id)],
    ["Примечания", notesOf(acc, "leads", l.id)],
  ]);
}

function contactCard(acc: Account, base: string, id: number): Res | null {
  const c = acc.contacts.find((x) => x.id === id && !x.is_deleted);
  if (!c) return null;
  const linked = acc.leads.filter((l) => !l.is_deleted && l.contacts.some((r) => r.id === c.id));
  const deals = linked.map((l) => ({
    href: `${base}/leads/detail/${l.id}`,
    label: l.name,
    extra: stageOf(acc, l.pipeline_id, l.status_id),
  }));
  const companies = c.company_ids.flatMap((cid) => {
    const co = acc.companies.find((x) => x.id === cid);
    return co ? [{ href: `${base}/companies/detail/${co.id}`, label: co.name }] : [];
  });
  return card(c.name, acc, base, [
    [
      "",
      h`<h1 data-testid="entity-name">${c.name}</h1><p class="muted">Контакт № ${c.id}</p><dl>
<dt>Ответственный</dt><dd data-testid="responsible">${userName(acc, c.responsible_user_id)}</dd>
<dt>Теги</dt><dd>${tags(acc, "contacts", c.tag_ids)}</dd><dt>Создан</dt><dd>${when(c.created_at, accountTimezone(acc))}</dd></dl>`,
    ],
    ["Телефоны, почта и поля", fields(acc, "contacts", c.custom_fields_values)],
    ["Сделки", links(deals, "Сделок нет")],
    ["Компании", links(companies, "Компаний нет")],
    ["Звонки", callsOf(acc, [["contact", c.id], ...linked.map((l): ["lead", number] => ["lead", l.id])])],
    ["Задачи", tasksOf(acc, "contacts", c.id)],
    ["Примечания", notesOf(acc, "contacts", c.id)],
  ]);
}

function companyCard(acc: Account, base: string, id: number): Res | null {
  const co = acc.companies.find((x) => x.id === id);
  if (!co) return null;
  const contacts = acc.contacts
    .filter((c) => !c.is_deleted && c.company_ids.includes(co.id))
    .map((c) => ({ href: `${base}/contacts/detail/${c.id}`, label: c.name }));
  return card(co.name, acc, base, [
    [
      "",
      h`<h1 data-testid="entity-name">${co.name}</h1><p class="muted">Компания № ${co.id}</p><dl>
<dt>Ответственный</dt><dd data-testid="responsible">${userName(acc, co.responsible_user_id)}</dd></dl>`,
    ],
    ["Поля", fields(acc, "companies", co.custom_fields_values)],
    ["Контакты", links(contacts, "Контактов нет")],
    ["Звонки", callsOf(acc, [["company", co.id]])],
    ["Примечания", notesOf(acc, "companies", co.id)],
  ]);
}
