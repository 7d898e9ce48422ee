// POST /api/v4/calls (reference §6.8) and the legacy POST /api/v2/events phone_call card pop (§4.4).
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { phoneKey, phonesOf } from "../cf";
import type { ApiCtx } from "../context";
import { fail, type ValidationIssue, validationProblem, zodIssues } from "../errors";
import { arrayBody, hal, jsonBody, link, type Res } from "../http";
import { type Account, type Call, type Contact, nextId } from "../state";

const callIn = z.looseObject({
  direction: z.enum(["inbound", "outbound"]),
  duration: z.number().int().nonnegative(),
  source: z.string().min(1),
  phone: z.string().min(1),
  uniq: z.string().optional(),
  link: z.string().optional(),
  call_responsible: z.union([z.number(), z.string()]).optional(),
  call_result: z.string().optional(),
  call_status: z.number().int().min(1).max(8).optional(),
  responsible_user_id: z.number().int().optional(),
  created_by: z.number().int().optional(),
  updated_by: z.number().int().optional(),
  created_at: z.number().int().optional(),
  updated_at: z.number().int().optional(),
  request_id: z.string().optional(),
});

export function findContactsByPhone(acc: Account, phone: string): Contact[] {
  const key = phoneKey(phone);
  if (!key) return [];
  return acc.contacts.filter(
    (c) => !c.is_deleted && phonesOf(acc, c.custom_fields_values).some((p) => phoneKey(p) === key),
  );
}

const isActive = (status: number) => status !== 142 && status !== 143;

/** One active lead (and no customers) → the lead; otherwise the contact card (reference §6.8). */
export function linkTarget(acc: Account, c: Contact): { type: "lead" | "contact"; id: number } {
  const active = acc.leads.filter(
    (l) => !l.is_deleted && isActive(l.status_id) && l.contacts.some((x) => x.id === c.id),
  );
  const only = active.length === 1 ? active[0] : undefined;
  return only ? { type: "lead", id: only.id } : { type: "contact", id: c.id };
}

function resolveResponsible(acc: Account, raw: number | string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const byId = acc.users.find((u) => u.id === Number(raw));
  if (byId) return byId.id;
  return acc.users.find((u) => u.name === String(raw))?.id ?? fallback;
}

const unknownUser = (path: string): ValidationIssue => ({
  code: "NotSupportedChoice",
  path,
  detail: "The value you selected is not a valid choice.",
});

export function addCalls(ctx: ApiCtx): Res {
  const { acc, base } = ctx;
  const body = arrayBody(ctx.req);
  const now = ctx.emu.clock.nowSec();
  const added: Array<{ call: Call; rid: string }> = [];
  const errors: Array<{ request_id: string; errors: ValidationIssue[] }> = [];
  body.forEach((raw, i) => {
    const r = callIn.safeParse(raw);
    const rid = (raw as { request_id?: unknown })?.request_id;
    const requestId = typeof rid === "string" ? rid : String(i);
    if (!r.success) {
      errors.push({ request_id: requestId, errors: zodIssues(r.error.issues) });
      return;
    }
    const c = r.data;
    // amoCRM validates the element before it looks for the number (reference §5.1).
    if (c.responsible_user_id !== undefined && !acc.users.some((u) => u.id === c.responsible_user_id)) {
      errors.push({ request_id: requestId, errors: [unknownUser("responsible_user_id")] });
      return;
    }
    const contact = findContactsByPhone(acc, c.phone)[0];
    if (!contact) {
      // No entity with this phone → the call is not added (reference §6.8).
      errors.push({
        request_id: requestId,
        errors: [
          { code: "EntityNotFound", path: "phone", detail: "No contact or company with this phone number." },
        ],
      });
      return;
    }
    const target = linkTarget(acc, contact);
    const author = resolveResponsible(
      acc,
      c.call_responsible,
      c.responsible_user_id ?? c.created_by ?? ctx.userId,
    );
    const noteId = nextId(acc);
    const { direction, request_id: _rid, ...params } = c;
    acc.notes.push({
      id: noteId,
      entity_type: target.type === "lead" ? "leads" : "contacts",
      entity_id: target.id,
      created_by: c.created_by ?? author,
      updated_by: c.updated_by ?? author,
      created_at: c.created_at ?? now,
      updated_at: c.updated_at ?? now,
      responsible_user_id: c.responsible_user_id ?? author,
      group_id: 0,
      note_type: direction === "inbound" ? "call_in" : "call_out",
      params,
    });
    const call: Call = {
      id: nextId(acc),
      entity_id: target.id,
      entity_type: target.type,
      note_id: noteId,
      request: c,
    };
    acc.calls.push(call);
    added.push({ call, rid: requestId });
  });
  // Nothing added → 400 (real clients fall back to unsorted/sip on it); partial → 200 with `errors`.
  if (added.length === 0) return validationProblem(errors);
  return hal({
    _total_items: added.length,
    errors,
    _embedded: {
      calls: added.map(({ call, rid }) => ({
        id: call.id,
        entity_id: call.entity_id,
        entity_type: call.entity_type,
        account_id: acc.id,
        request_id: rid,
        _embedded: {
          entity: {
            id: call.entity_id,
            _links: { self: link(`${base}/api/v4/${call.entity_type}s/${call.entity_id}`) },
          },
        },
      })),
    },
  });
}

const v2EventsIn = z.looseObject({
  add: z
    .array(
      z.looseObject({
        type: z.literal("phone_call"),
        phone_number: z.string().min(1),
        users: z.array(z.number().int()).min(1),
      }),
    )
    .min(1),
});

/** Legacy server-side "incoming call" card pop (POST /api/v2/events). */
export function addV2Events(ctx: ApiCtx): Res {
  const r = v2EventsIn.safeParse(jsonBody(ctx.req));
  if (!r.success) fail(400, r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  const items = r.data.add.map((e) => {
    const c = findContactsByPhone(ctx.acc, e.phone_number)[0];
    const t = c ? linkTarget(ctx.acc, c) : null;
    return {
      element_id: t?.id ?? 0,
      element_type: t?.type === "lead" ? 2 : 1,
      uid: randomUUID(),
      phone_number: e.phone_number,
    };
  });
  return hal({ _links: { self: { href: "/api/v2/events", method: "post" } }, _embedded: { items } });
}
