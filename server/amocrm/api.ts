// amoCRM API v4 client for one account: the methods Amango's features need, returning domain types.
// Tokens and the base URL are handed in; this layer knows neither the database nor MANGO.
import type { z } from "zod";
import { accountConfigMethods } from "./account-config";
import { bulkMethods } from "./bulk";
import { AmocrmResponseError } from "./errors";
import { eventMethods } from "./events";
import { type AmocrmHttpOptions, collect, createAmocrmHttp, inChunks, type Query } from "./http";
import {
  type CallCreate,
  type ComplexLeadCreate,
  type ContactCreate,
  type ContactPatch,
  type LeadCreate,
  type LeadFilter,
  type LeadPatch,
  leadFilterQuery,
  type NoteCreate,
  type NoteEntity,
  type NotePatch,
  type NoteType,
  type TaskCreate,
} from "./requests";
import {
  type AmoAccount,
  type AmoContact,
  type AmoLead,
  type AmoPipeline,
  type AmoUser,
  contactHasPhone,
  phoneDigits,
  toAccount,
  toContact,
  toLead,
  toPipeline,
  toUser,
} from "./transform";
import {
  type AmoNoteRaw,
  type AmoTaskRaw,
  accountSchema,
  callErrorSchema,
  callsCreatedSchema,
  complexCreatedSchema,
  contactSchema,
  createdItemSchema,
  embeddedSchema,
  leadSchema,
  noteSchema,
  pipelinesListSchema,
  taskSchema,
  updatedItemSchema,
  userSchema,
} from "./types";

export type AmocrmClientOptions = AmocrmHttpOptions;

export type Created = { id: number; requestId: string | null };
export type Updated = { id: number; updatedAt: number | null };
export type ComplexCreated = {
  leadId: number;
  contactId: number | null;
  companyId: number | null;
  requestId: string[];
  /** amoCRM's duplicate control merged the contact into an existing one. */
  merged: boolean;
};
export type CallLogged = {
  id: number;
  entityId: number | null;
  entityType: string | null;
  requestId: string | null;
};
/** A call amoCRM did not log (typically: no contact with this phone). The shape is UNCERTAIN (§6.8). */
export type CallRefused = { requestId: string | null; detail: string | null; raw: unknown };
/** The account webhook events Amango subscribes to (§6.13 lists them all). */
export type { CustomFieldEntity, TagEntity, WebhookEventName } from "./account-config";

const ACCOUNT_WITH = "amojo_id,amojo_rights,users_groups,task_types,datetime_settings";
const created = (r: z.infer<typeof createdItemSchema>): Created => ({
  id: r.id,
  requestId: r.request_id == null ? null : String(r.request_id),
});

export type AmocrmClient = ReturnType<typeof createAmocrmClient>;

export function createAmocrmClient(opts: AmocrmClientOptions) {
  const http = createAmocrmHttp(opts);
  const { request } = http;

  async function listLeads(filter: LeadFilter = {}, page: { maxPages?: number; limit?: number } = {}) {
    const query = leadFilterQuery(filter);
    const raw = await collect(http.paginate("/api/v4/leads", "leads", leadSchema, { query, ...page }));
    return raw.map(toLead);
  }

  return {
    /** The transport, for endpoints not wrapped below: `request` (zod-validated) and `paginate`. */
    http,

    async getAccount(): Promise<AmoAccount> {
      const raw = await request("GET", "/api/v4/account", accountSchema, { query: { with: ACCOUNT_WITH } });
      if (!raw) throw new AmocrmResponseError("GET", "/api/v4/account", "204 No Content");
      return toAccount(raw);
    },

    /** Users with their group (admin-only endpoint, reference §6.2). */
    async listUsers(): Promise<AmoUser[]> {
      const raw = await collect(
        http.paginate("/api/v4/users", "users", userSchema, { query: { with: "group" } }),
      );
      return raw.map(toUser);
    },

    /** All pipelines with their statuses (≤ 50 per account, one page). */
    async listPipelines(): Promise<AmoPipeline[]> {
      const raw = await request("GET", "/api/v4/leads/pipelines", pipelinesListSchema);
      return (raw?._embedded.pipelines ?? []).map(toPipeline);
    },

    /** A lead with its contacts (`with=contacts`), or null when amoCRM has none with this id (204). */
    async getLead(id: number, o: { withContacts?: boolean } = {}): Promise<AmoLead | null> {
      const raw = await request("GET", `/api/v4/leads/${id}`, leadSchema, {
        query: { with: o.withContacts === false ? undefined : "contacts" },
      });
      return raw ? toLead(raw) : null;
    },

    listLeads,
    /** Page-at-a-time leads, contacts by ids, notes in batches of 250 (bulk.ts). */
    ...bulkMethods(http),
    /** Custom fields, tags and webhook subscriptions (account-config.ts). */
    ...accountConfigMethods(http),
    /** A deal's events from amoCRM's event feed (events.ts). */
    ...eventMethods(http),

    async createLeads(leads: LeadCreate[]): Promise<Created[]> {
      return inChunks(leads, async (chunk) => {
        const res = await request("POST", "/api/v4/leads", embeddedSchema("leads", createdItemSchema), {
          body: chunk,
        });
        return (res?._embedded.leads ?? []).map(created);
      });
    },

    /** Lead + new contact (+ company) in one call; ≤ 50 leads per request (reference §6.4). */
    async createLeadsComplex(leads: ComplexLeadCreate[]): Promise<ComplexCreated[]> {
      return inChunks(leads, async (chunk) => {
        const res = await request("POST", "/api/v4/leads/complex", complexCreatedSchema, { body: chunk });
        return (res ?? []).map((r) => ({
          leadId: r.id,
          contactId: r.contact_id ?? null,
          companyId: r.company_id ?? null,
          requestId: r.request_id ?? [],
          merged: r.merged ?? false,
        }));
      });
    },

    async updateLeads(patches: LeadPatch[]): Promise<Updated[]> {
      return inChunks(patches, async (chunk) => {
        const res = await request("PATCH", "/api/v4/leads", embeddedSchema("leads", updatedItemSchema), {
          body: chunk,
        });
        return (res?._embedded.leads ?? []).map((r) => ({ id: r.id, updatedAt: r.updated_at ?? null }));
      });
    },

    /**
     * Contacts that carry this phone. `query` is a full-text search (its phone normalisation is undocumented),
     * so we search by the last 10 digits and keep only contacts whose PHONE really matches.
     */
    async findContactsByPhone(phone: string, o: { withLeads?: boolean } = {}): Promise<AmoContact[]> {
      const digits = phoneDigits(phone);
      if (digits.length < 5) return [];
      const raw = await collect(
        http.paginate("/api/v4/contacts", "contacts", contactSchema, {
          query: { query: digits.slice(-10), with: o.withLeads ? "leads" : undefined },
          maxPages: 4,
        }),
      );
      return raw.map(toContact).filter((c) => contactHasPhone(c, phone));
    },

    async getContact(id: number, o: { withLeads?: boolean } = {}): Promise<AmoContact | null> {
      const raw = await request("GET", `/api/v4/contacts/${id}`, contactSchema, {
        query: { with: o.withLeads ? "leads" : undefined },
      });
      return raw ? toContact(raw) : null;
    },

    async createContacts(contacts: ContactCreate[]): Promise<Created[]> {
      return inChunks(contacts, async (chunk) => {
        const res = await request("POST", "/api/v4/contacts", embeddedSchema("contacts", createdItemSchema), {
          body: chunk,
        });
        return (res?._embedded.contacts ?? []).map(created);
      });
    },

    async updateContacts(patches: ContactPatch[]): Promise<Updated[]> {
      return inChunks(patches, async (chunk) => {
        const res = await request(
          "PATCH",
          "/api/v4/contacts",
          embeddedSchema("contacts", updatedItemSchema),
          {
            body: chunk,
          },
        );
        return (res?._embedded.contacts ?? []).map((r) => ({ id: r.id, updatedAt: r.updated_at ?? null }));
      });
    },

    /** Notes of any type (see `callNote`, `smsNote`, `textNote` in requests.ts). */
    async addNotes(
      entity: NoteEntity,
      notes: NoteCreate[],
    ): Promise<(Created & { entityId: number | null })[]> {
      return inChunks(notes, async (chunk) => {
        const res = await request(
          "POST",
          `/api/v4/${entity}/notes`,
          embeddedSchema("notes", createdItemSchema),
          {
            body: chunk,
          },
        );
        return (res?._embedded.notes ?? []).map((r) => ({ ...created(r), entityId: r.entity_id ?? null }));
      });
    },

    /** Notes changed in place (a call note's recording link added later), 50 per request. */
    async updateNotes(entity: NoteEntity, patches: NotePatch[]): Promise<Updated[]> {
      return inChunks(patches, async (chunk) => {
        const res = await request(
          "PATCH",
          `/api/v4/${entity}/notes`,
          embeddedSchema("notes", updatedItemSchema),
          { body: chunk },
        );
        return (res?._embedded.notes ?? []).map((r) => ({ id: r.id, updatedAt: r.updated_at ?? null }));
      });
    },

    /**
     * One entity's notes of these types, newest first (`GET /api/v4/{entity}/{id}/notes`, reference §6.7):
     * how a write whose answer was lost is looked for before it is repeated.
     */
    async listEntityNotes(
      entity: NoteEntity,
      entityId: number,
      o: { noteTypes: NoteType[]; maxPages?: number },
    ): Promise<AmoNoteRaw[]> {
      const query = { "filter[note_type][]": o.noteTypes, "order[updated_at]": "desc" };
      return collect(
        http.paginate(`/api/v4/${entity}/${entityId}/notes`, "notes", noteSchema, {
          query,
          maxPages: o.maxPages ?? 4,
        }),
      );
    },

    /** Tasks by amoCRM's filters (reference §6.10), newest first, a few pages at most. */
    async listTasks(o: {
      taskType?: number;
      responsibleUserId?: number;
      entity?: { type: NoteEntity; id: number };
      updatedFrom?: number;
      maxPages?: number;
    }): Promise<AmoTaskRaw[]> {
      const query: Query = { "order[created_at]": "desc" };
      if (o.taskType !== undefined) query["filter[task_type][]"] = [o.taskType];
      if (o.responsibleUserId !== undefined) query["filter[responsible_user_id][]"] = [o.responsibleUserId];
      if (o.entity) {
        query["filter[entity_type]"] = o.entity.type;
        query["filter[entity_id][]"] = [o.entity.id];
      }
      if (o.updatedFrom !== undefined) query["filter[updated_at][from]"] = o.updatedFrom;
      return collect(
        http.paginate("/api/v4/tasks", "tasks", taskSchema, { query, maxPages: o.maxPages ?? 4 }),
      );
    },

    async createTasks(tasks: TaskCreate[]): Promise<Created[]> {
      return inChunks(tasks, async (chunk) => {
        const res = await request("POST", "/api/v4/tasks", embeddedSchema("tasks", createdItemSchema), {
          body: chunk,
        });
        return (res?._embedded.tasks ?? []).map(created);
      });
    },

    /**
     * Logs calls; amoCRM attaches each to the entity found by the phone's last 10 digits and silently skips
     * calls with no matching contact (reference §6.8). `errors` is passed through as amoCRM gives it: its
     * shape on partial failure is undocumented (UNCERTAIN in the reference).
     */
    async addCalls(calls: CallCreate[]): Promise<{ logged: CallLogged[]; errors: CallRefused[] }> {
      const logged: CallLogged[] = [];
      const errors: CallRefused[] = [];
      // Our own request_id (the input index) unless the caller set one: amoCRM's default is the index within
      // the request, which would repeat across chunks of 50.
      const numbered = calls.map((c, i) => ({ ...c, request_id: c.request_id ?? String(i) }));
      await inChunks(numbered, async (chunk) => {
        const res = await request("POST", "/api/v4/calls", callsCreatedSchema, { body: chunk });
        for (const c of res?._embedded?.calls ?? []) {
          logged.push({
            id: c.id,
            entityId: c.entity_id ?? null,
            entityType: c.entity_type == null ? null : String(c.entity_type),
            requestId: c.request_id == null ? null : String(c.request_id),
          });
        }
        for (const e of res?.errors ?? []) {
          const known = callErrorSchema.safeParse(e);
          errors.push({
            requestId: known.success && known.data.request_id != null ? String(known.data.request_id) : null,
            detail: known.success ? (known.data.errors?.[0]?.detail ?? known.data.detail ?? null) : null,
            raw: e,
          });
        }
        return [];
      });
      return { logged, errors };
    },
  };
}
