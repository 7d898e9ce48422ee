// GET /api/v4/account, /api/v4/users, /api/v4/leads/pipelines (reference §6.1–6.3).
import type { ApiCtx } from "../context";
import { fail } from "../errors";
import { hal, halList, intParam, link, noContent, type Res, withParams } from "../http";
import type { Account, Pipeline, User } from "../state";

const ENTITY_NAMES = {
  leads: {
    ru: {
      gender: "f",
      plural_form: {
        dative: "сделкам",
        default: "сделки",
        genitive: "сделок",
        accusative: "сделки",
        instrumental: "сделками",
        prepositional: "сделках",
      },
      singular_form: {
        dative: "сделке",
        default: "сделка",
        genitive: "сделки",
        accusative: "сделку",
        instrumental: "сделкой",
        prepositional: "сделке",
      },
    },
    en: { singular_form: { default: "lead" }, plural_form: { default: "leads" }, gender: "f" },
    es: { singular_form: { default: "acuerdo" }, plural_form: { default: "acuerdos" }, gender: "m" },
  },
};

export const accountTimezone = (acc: Account) => acc.timezone ?? "Europe/Moscow";

/** "+07:00" for Asia/Novosibirsk: the zone's offset at an instant, as amoCRM writes it. */
function timezoneOffset(timeZone: string, atMs: number): string {
  const name =
    new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
      .formatToParts(new Date(atMs))
      .find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /GMT([+-]\d{2}):?(\d{2})?/.exec(name);
  return m ? `${m[1]}:${m[2] ?? "00"}` : "+00:00";
}

export function getAccount(ctx: ApiCtx): Res {
  const { acc, base } = ctx;
  const w = withParams(ctx.req.url);
  const body: Record<string, unknown> = {
    id: acc.id,
    name: acc.name,
    subdomain: acc.subdomain,
    current_user_id: ctx.userId,
    country: "RU",
    customers_mode: "segments",
    is_unsorted_on: true,
    is_loss_reason_enabled: true,
    is_helpbot_enabled: false,
    is_technical_account: false,
    is_api_filter_enabled: true,
    contact_name_display_order: 1,
  };
  // Optional top-level fields appear only when requested via `with` (reference §6.1).
  if (w.has("amojo_id")) body.amojo_id = acc.amojo_id;
  if (w.has("uuid") || w.has("amojo_id")) body.uuid = acc.uuid;
  if (w.has("drive_url")) body.drive_url = "https://drive-b.amocrm.ru";
  if (w.has("version")) body.version = 16;
  if (w.has("entity_names")) body.entity_names = ENTITY_NAMES;
  body._links = { self: link(`${base}/api/v4/account`) };
  const emb: Record<string, unknown> = {};
  if (w.has("amojo_rights")) emb.amojo_rights = { can_direct: true, can_create_groups: true };
  if (w.has("users_groups")) emb.users_groups = acc.groups;
  if (w.has("task_types")) {
    emb.task_types = [
      { id: 1, name: "Связаться", color: null, icon_id: null, code: "FOLLOW_UP" },
      { id: 2, name: "Встреча", color: null, icon_id: null, code: "MEETING" },
    ];
  }
  if (w.has("datetime_settings")) {
    emb.datetime_settings = {
      date_pattern: "d.m.Y H:i",
      short_date_pattern: "d.m.Y",
      short_time_pattern: "H:i",
      date_formant: "d.m.Y", // sic: the typo is in amoCRM's own response
      time_format: "H:i:s",
      timezone: accountTimezone(acc),
      timezone_offset: timezoneOffset(accountTimezone(acc), ctx.emu.clock.nowSec() * 1000),
    };
  }
  body._embedded = emb;
  return hal(body);
}

function renderUser(acc: Account, base: string, u: User, w: Set<string>) {
  const all = { view: "A", edit: "A", add: "A", delete: "A", export: "A" };
  const out: Record<string, unknown> = {
    id: u.id,
    name: u.name,
    email: u.email,
    lang: u.lang,
    rights: {
      leads: all,
      contacts: all,
      companies: all,
      tasks: { edit: "A", delete: "A" },
      mail_access: u.is_admin,
      catalog_access: u.is_admin,
      status_rights: u.is_admin
        ? null
        : acc.pipelines.flatMap((p) =>
            p.statuses
              .filter((s) => s.type === 0 && s.id !== 142 && s.id !== 143)
              .slice(0, 1)
              .map((s) => ({
                entity_type: "leads",
                pipeline_id: p.id,
                status_id: s.id,
                rights: { view: "A", edit: "A", delete: "A" },
              })),
          ),
      is_admin: u.is_admin,
      is_free: false,
      is_active: u.is_active,
      group_id: u.group_id,
      role_id: u.role_id,
    },
    _links: { self: link(`${base}/api/v4/users/${u.id}`) },
  };
  const emb: Record<string, unknown> = {};
  if (w.has("role")) emb.roles = [];
  if (w.has("group")) {
    emb.groups = acc.groups
      .filter((g) => g.id === u.group_id && g.id !== 0)
      .map((g) => ({ id: g.id, name: g.name }));
  }
  if (w.size > 0) out._embedded = emb;
  return out;
}

export function listUsers(ctx: ApiCtx): Res {
  const w = withParams(ctx.req.url);
  return halList(ctx.base, ctx.req.url, "users", ctx.acc.users, (u) => renderUser(ctx.acc, ctx.base, u, w), {
    totals: true,
  });
}

export function getUser(ctx: ApiCtx): Res {
  const u = ctx.acc.users.find((x) => x.id === intParam(ctx.params.id));
  if (!u) return noContent();
  return hal(renderUser(ctx.acc, ctx.base, u, withParams(ctx.req.url)));
}

export function renderPipeline(acc: Account, base: string, p: Pipeline) {
  return {
    id: p.id,
    name: p.name,
    sort: p.sort,
    is_main: p.is_main,
    is_unsorted_on: p.is_unsorted_on,
    is_archive: p.is_archive,
    account_id: acc.id,
    _links: { self: link(`${base}/api/v4/leads/pipelines/${p.id}`) },
    _embedded: {
      statuses: p.statuses.map((s) => ({
        id: s.id,
        name: s.name,
        sort: s.sort,
        is_editable: s.is_editable,
        pipeline_id: p.id,
        color: s.color,
        type: s.type,
        account_id: acc.id,
        _links: { self: link(`${base}/api/v4/leads/pipelines/${p.id}/statuses/${s.id}`) },
      })),
    },
  };
}

export function listPipelines(ctx: ApiCtx): Res {
  const { acc, base } = ctx;
  return hal({
    _total_items: acc.pipelines.length,
    _links: { self: link(`${base}/api/v4/leads/pipelines`) },
    _embedded: { pipelines: acc.pipelines.map((p) => renderPipeline(acc, base, p)) },
  });
}

export function getPipeline(ctx: ApiCtx): Res {
  const p = ctx.acc.pipelines.find((x) => x.id === intParam(ctx.params.id));
  if (!p) return noContent();
  return hal(renderPipeline(ctx.acc, ctx.base, p));
}

export function listStatuses(ctx: ApiCtx): Res {
  const p = ctx.acc.pipelines.find((x) => x.id === intParam(ctx.params.id));
  if (!p) fail(404, "Pipeline not found");
  const rendered = renderPipeline(ctx.acc, ctx.base, p);
  return hal({
    _total_items: p.statuses.length,
    _links: { self: link(`${ctx.base}/api/v4/leads/pipelines/${p.id}/statuses`) },
    _embedded: { statuses: rendered._embedded.statuses },
  });
}
