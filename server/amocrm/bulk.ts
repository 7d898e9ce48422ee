// Bulk reads and writes for work over many deals at once (apply a rule to a stage's current deals, SMS notes):
// one page of leads, the page's contacts in one request, and notes in batches of up to 250 — each request
// goes through the same per-account rate limiter as everything else (it is the client's transport).
import { type AmocrmHttp, MAX_PAGE_SIZE } from "./http";
import { type LeadFilter, leadFilterQuery, type NoteCreate, type NoteEntity } from "./requests";
import { type AmoContact, type AmoLead, toContact, toLead } from "./transform";
import { contactSchema, createdItemSchema, embeddedSchema, leadSchema, listSchema } from "./types";

/** amoCRM refuses more than 250 items per request (422, reference §5); notes are light, so batches use it. */
export const MAX_NOTES_PER_REQUEST = 250;

export type LeadsPage = { leads: AmoLead[]; hasNext: boolean };
export type NoteCreated = { id: number; entityId: number | null; requestId: string | null };

export function bulkMethods(http: AmocrmHttp) {
  return {
    /**
     * One page (1-based) of leads matching the filter; `hasNext` from the page's `next` link. An empty page
     * (amoCRM answers 204 past the last page) is `{ leads: [], hasNext: false }`.
     */
    async listLeadsPage(filter: LeadFilter, page: number, limit = MAX_PAGE_SIZE): Promise<LeadsPage> {
      const res = await http.request("GET", "/api/v4/leads", listSchema("leads", leadSchema), {
        query: { ...leadFilterQuery(filter), page, limit: Math.min(limit, MAX_PAGE_SIZE) },
      });
      if (!res) return { leads: [], hasNext: false };
      const leads = res._embedded.leads.map(toLead);
      return { leads, hasNext: Boolean(res._links?.next?.href) && leads.length > 0 };
    },

    /** Contacts by id, ≤ 250 per request (`filter[id][]`); ids amoCRM does not have are simply absent. */
    async listContactsByIds(ids: readonly number[]): Promise<AmoContact[]> {
      const unique = [...new Set(ids)];
      const out: AmoContact[] = [];
      for (let i = 0; i < unique.length; i += MAX_PAGE_SIZE) {
        const chunk = unique.slice(i, i + MAX_PAGE_SIZE);
        const res = await http.request("GET", "/api/v4/contacts", listSchema("contacts", contactSchema), {
          query: { "filter[id][]": chunk, limit: MAX_PAGE_SIZE },
        });
        out.push(...(res?._embedded.contacts ?? []).map(toContact));
      }
      return out;
    },

    /**
     * Notes in requests of up to 250 (`addNotes` keeps the SDK's 50 for mixed writes). Give each note a
     * `request_id`: amoCRM echoes it, so the caller matches created ids to its own rows.
     */
    async addNotesBatch(entity: NoteEntity, notes: NoteCreate[]): Promise<NoteCreated[]> {
      const out: NoteCreated[] = [];
      for (let i = 0; i < notes.length; i += MAX_NOTES_PER_REQUEST) {
        const res = await http.request(
          "POST",
          `/api/v4/${entity}/notes`,
          embeddedSchema("notes", createdItemSchema),
          { body: notes.slice(i, i + MAX_NOTES_PER_REQUEST) },
        );
        for (const n of res?._embedded.notes ?? [])
          out.push({
            id: n.id,
            entityId: n.entity_id ?? null,
            requestId: n.request_id == null ? null : String(n.request_id),
          });
      }
      return out;
    },
  };
}
