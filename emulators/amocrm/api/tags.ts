// Tags: GET/POST /api/v4/{entity}/tags and the tag-attachment rules shared by leads/contacts
// (`tags_to_add`, `tags_to_delete`, `_embedded.tags`, `_embedded.tags: null` clears) — reference §6.12, §6.4.
import { z } from "zod";
import type { ApiCtx } from "../context";
import { fail, failValidation, parseOrFail } from "../errors";
import { arrayBody, filterValues, hal, halList, type Res } from "../http";
import { type Account, type EntityType, nextId } from "../state";

export const tagRef = z.looseObject({ id: z.number().int().optional(), name: z.string().min(1).optional() });
export type TagRef = z.infer<typeof tagRef>;

export function entityParam(raw: string | undefined): EntityType {
  if (raw === "leads" || raw === "contacts" || raw === "companies" || raw === "customers") return raw;
  fail(404, "Not found");
}

/** Finds tags by id or name; unknown names are created (amoCRM does), unknown ids are a validation error. */
export function resolveTags(
  acc: Account,
  entity: EntityType,
  refs: TagRef[],
  requestId: string,
  path: string,
): number[] {
  const list = acc.tags[entity];
  return refs.map((r, i) => {
    if (r.id !== undefined) {
      const t = list.find((x) => x.id === r.id);
      if (!t) {
        failValidation(requestId, [
          {
            code: "NotSupportedChoice",
            path: `${path}.${i}.id`,
            detail: "The value you selected is not a valid choice.",
          },
        ]);
      }
      return t.id;
    }
    if (r.name === undefined) {
      failValidation(requestId, [
        { code: "NotBlank", path: `${path}.${i}`, detail: "This value should not be blank." },
      ]);
    }
    const existing = list.find((x) => x.name === r.name);
    if (existing) return existing.id;
    const t = { id: nextId(acc), name: r.name, color: null };
    list.push(t);
    return t.id;
  });
}

export interface TagChanges {
  tags_to_add?: TagRef[] | undefined;
  tags_to_delete?: TagRef[] | undefined;
  _embedded?: { tags?: TagRef[] | null | undefined } | undefined;
}

export function applyTagChanges(
  acc: Account,
  entity: EntityType,
  current: number[],
  input: TagChanges,
  requestId: string,
): number[] {
  let ids = [...current];
  const emb = input._embedded;
  if (emb && "tags" in emb) {
    ids =
      emb.tags === null || emb.tags === undefined
        ? []
        : resolveTags(acc, entity, emb.tags, requestId, "_embedded.tags");
  }
  if (input.tags_to_add) {
    for (const id of resolveTags(acc, entity, input.tags_to_add, requestId, "tags_to_add")) {
      if (!ids.includes(id)) ids.push(id);
    }
  }
  if (input.tags_to_delete) {
    const del = input.tags_to_delete.map(
      (r) => acc.tags[entity].find((t) => t.id === r.id || t.name === r.name)?.id,
    );
    ids = ids.filter((id) => !del.includes(id));
  }
  return ids;
}

export function renderTags(acc: Account, entity: EntityType, ids: number[]) {
  return ids
    .map((id) => acc.tags[entity].find((t) => t.id === id))
    .filter((t) => t !== undefined)
    .map((t) => ({ id: t.id, name: t.name, color: t.color }));
}

export function listTags(ctx: ApiCtx): Res {
  const entity = entityParam(ctx.params.entity);
  const ids = filterValues(ctx.req.url, "id").map(Number);
  const names = filterValues(ctx.req.url, "name");
  const q = ctx.req.url.searchParams.get("query")?.toLowerCase();
  const items = ctx.acc.tags[entity].filter(
    (t) =>
      (ids.length === 0 || ids.includes(t.id)) &&
      (names.length === 0 || names.includes(t.name)) &&
      (!q || t.name.toLowerCase().includes(q)),
  );
  return halList(ctx.base, ctx.req.url, "tags", items, (t) => ({ id: t.id, name: t.name, color: t.color }));
}

const tagIn = z.looseObject({
  name: z.string().min(1),
  color: z.string().nullable().optional(),
  request_id: z.string().optional(),
});

export function addTags(ctx: ApiCtx): Res {
  const entity = entityParam(ctx.params.entity);
  const body = arrayBody(ctx.req);
  const parsed = body.map((raw, i) => parseOrFail(tagIn, raw, String(i)));
  const out = parsed.map((t, i) => {
    const list = ctx.acc.tags[entity];
    let tag = list.find((x) => x.name === t.name);
    if (!tag) {
      tag = { id: nextId(ctx.acc), name: t.name, color: t.color ?? null };
      list.push(tag);
    }
    return { id: tag.id, name: tag.name, color: tag.color, request_id: t.request_id ?? String(i) };
  });
  return hal({ _total_items: out.length, _embedded: { tags: out } });
}
