// Companies — read-only GET /api/v4/companies[/{id}]: leads, complex and unsorted link to companies, so the
// links they return must resolve (creation happens through those endpoints).
import { renderCustomFields } from "../cf";
import type { ApiCtx } from "../context";
import { filterValues, hal, halList, intParam, link, noContent, type Res } from "../http";
import type { Account, Company } from "../state";
import { renderTags } from "./tags";

function renderCompany(acc: Account, base: string, c: Company) {
  return {
    id: c.id,
    name: c.name,
    responsible_user_id: c.responsible_user_id,
    group_id: c.group_id,
    created_by: c.created_by,
    updated_by: c.updated_by,
    created_at: c.created_at,
    updated_at: c.updated_at,
    closest_task_at: null,
    custom_fields_values: renderCustomFields(acc, c.custom_fields_values),
    account_id: acc.id,
    _links: { self: link(`${base}/api/v4/companies/${c.id}`) },
    _embedded: { tags: renderTags(acc, "companies", c.tag_ids) },
  };
}

export function listCompanies(ctx: ApiCtx): Res {
  const ids = filterValues(ctx.req.url, "id").map(Number);
  const q = ctx.req.url.searchParams.get("query")?.toLowerCase();
  const items = ctx.acc.companies.filter(
    (c) => (ids.length === 0 || ids.includes(c.id)) && (!q || c.name.toLowerCase().includes(q)),
  );
  return halList(ctx.base, ctx.req.url, "companies", items, (c) => renderCompany(ctx.acc, ctx.base, c));
}

export function getCompany(ctx: ApiCtx): Res {
  const c = ctx.acc.companies.find((x) => x.id === intParam(ctx.params.id));
  return c ? hal(renderCompany(ctx.acc, ctx.base, c)) : noContent();
}
