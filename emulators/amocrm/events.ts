// Side effects of entity changes: DP widget webhooks and account webhooks (subscriptions via /api/v4/webhooks).
// Account webhooks are form-encoded with the legacy field names of the real captures (reference §7).
import { recordLeadAdded, recordLeadStatusChanged } from "./api/event-feed";
import type { Emu } from "./context";
import { deliver, toForm } from "./deliver";
import { dpOnCreate, dpOnStageChange } from "./dp";
import type { Account, Contact, Lead, StoredCf } from "./state";

function legacyCustomFields(acc: Account, cfs: StoredCf[]) {
  return cfs.map((cf) => {
    const def = acc.custom_fields.find((f) => f.id === cf.field_id);
    const out: Record<string, unknown> = {
      id: cf.field_id,
      name: def?.name ?? "",
      // In webhooks `enum` is the numeric enum id (reference §7).
      values: cf.values.map((v) =>
        v.enum_id !== undefined ? { value: v.value, enum: v.enum_id } : { value: v.value },
      ),
    };
    if (def?.code) out.code = def.code;
    return out;
  });
}

function legacyLead(acc: Account, l: Lead, oldStatus?: number) {
  const out: Record<string, unknown> = {
    id: l.id,
    name: l.name,
    status_id: l.status_id,
    ...(oldStatus !== undefined ? { old_status_id: oldStatus } : {}),
    price: l.price,
    responsible_user_id: l.responsible_user_id,
    last_modified: l.updated_at,
    modified_user_id: l.updated_by,
    created_user_id: l.created_by,
    date_create: l.created_at,
    pipeline_id: l.pipeline_id,
    account_id: acc.id,
  };
  const tags = l.tag_ids.map((id) => acc.tags.leads.find((t) => t.id === id)).filter((t) => t !== undefined);
  if (tags.length) out.tags = tags.map((t) => ({ id: t.id, name: t.name }));
  if (l.custom_fields_values.length) out.custom_fields = legacyCustomFields(acc, l.custom_fields_values);
  return out;
}

function legacyContact(acc: Account, c: Contact) {
  const linked = acc.leads.filter((l) => l.contacts.some((x) => x.id === c.id));
  return {
    id: c.id,
    name: c.name,
    responsible_user_id: c.responsible_user_id,
    date_create: c.created_at,
    last_modified: c.updated_at,
    created_user_id: c.created_by,
    modified_user_id: c.updated_by,
    account_id: acc.id,
    ...(c.custom_fields_values.length
      ? { custom_fields: legacyCustomFields(acc, c.custom_fields_values) }
      : {}),
    ...(linked.length
      ? { linked_leads_id: Object.fromEntries(linked.map((l) => [l.id, { ID: l.id }])) }
      : {}),
    created_at: c.created_at,
    updated_at: c.updated_at,
    type: "contact",
  };
}

function fire(emu: Emu, acc: Account, event: string, entity: string, action: string, item: unknown) {
  for (const hook of acc.webhooks) {
    if (hook.disabled || !hook.settings.includes(event)) continue;
    const body = toForm({
      [entity]: { [action]: [item] },
      account: {
        subdomain: acc.subdomain,
        id: acc.id,
        _links: { self: `${emu.publicBaseUrl}/a/${acc.subdomain}` },
      },
    });
    void deliver(emu, "webhook", hook.destination, {
      contentType: "application/x-www-form-urlencoded",
      body: body.toString(),
    });
  }
}

export function leadCreated(emu: Emu, acc: Account, l: Lead): void {
  recordLeadAdded(acc, l, emu.clock.nowSec());
  fire(emu, acc, "add_lead", "leads", "add", legacyLead(acc, l));
  dpOnCreate(emu, acc, l);
}

export function leadUpdated(
  emu: Emu,
  acc: Account,
  l: Lead,
  before: { status_id: number; pipeline_id: number; responsible_user_id: number },
): void {
  const moved = before.status_id !== l.status_id || before.pipeline_id !== l.pipeline_id;
  fire(emu, acc, "update_lead", "leads", "update", legacyLead(acc, l));
  if (moved) {
    recordLeadStatusChanged(acc, l, before, emu.clock.nowSec());
    fire(emu, acc, "status_lead", "leads", "status", legacyLead(acc, l, before.status_id));
    dpOnStageChange(emu, acc, l, before);
  }
  if (before.responsible_user_id !== l.responsible_user_id) {
    fire(emu, acc, "responsible_lead", "leads", "responsible", legacyLead(acc, l));
  }
}

export function contactCreated(emu: Emu, acc: Account, c: Contact): void {
  fire(emu, acc, "add_contact", "contacts", "add", legacyContact(acc, c));
}

export function contactUpdated(emu: Emu, acc: Account, c: Contact): void {
  fire(emu, acc, "update_contact", "contacts", "update", legacyContact(acc, c));
}

export function noteAdded(emu: Emu, acc: Account, entity: string, note: Record<string, unknown>): void {
  const singular = entity.replace(/s$/, "");
  fire(emu, acc, `note_${singular}`, entity, "note", { note });
}
