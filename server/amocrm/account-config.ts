// Account configuration through amoCRM API v4: custom fields, tags and account-webhook subscriptions — what
// onboarding and the rule editor set up or read, rather than the deals and contacts themselves.
import { AmocrmResponseError } from "./errors";
import { type AmocrmHttp, collect, inChunks } from "./http";
import type { CustomFieldCreate, CustomFieldPatch } from "./requests";
import {
  type AmoCustomField,
  type AmoTag,
  type AmoWebhookSubscription,
  toCustomField,
  toWebhookSubscription,
} from "./transform";
import {
  customFieldSchema,
  customFieldsCreatedSchema,
  tagSchema,
  tagsCreatedSchema,
  webhookSubscriptionSchema,
} from "./types";

export type WebhookEventName = "responsible_lead" | "status_lead";
export type TagEntity = "leads" | "contacts" | "companies" | "customers";
export type CustomFieldEntity = "leads" | "contacts" | "companies" | "customers";

export function accountConfigMethods(http: AmocrmHttp) {
  return {
    async listCustomFields(entity: CustomFieldEntity): Promise<AmoCustomField[]> {
      const raw = await collect(
        http.paginate(`/api/v4/${entity}/custom_fields`, "custom_fields", customFieldSchema),
      );
      return raw.map(toCustomField);
    },

    /** Admin only (reference §6.6). */
    async createCustomFields(
      entity: CustomFieldEntity,
      fields: CustomFieldCreate[],
    ): Promise<AmoCustomField[]> {
      return inChunks(fields, async (chunk) => {
        const res = await http.request("POST", `/api/v4/${entity}/custom_fields`, customFieldsCreatedSchema, {
          body: chunk,
        });
        return (res?._embedded.custom_fields ?? []).map(toCustomField);
      });
    },

    /**
     * Edits fields (admin only): name, sort and — for select/multiselect/radiobutton — the complete option list
     * (see CustomFieldPatch). Answers the edited fields with their options as they now are.
     */
    async updateCustomFields(
      entity: CustomFieldEntity,
      patches: CustomFieldPatch[],
    ): Promise<AmoCustomField[]> {
      return inChunks(patches, async (chunk) => {
        // Same wrapper as the POST answer ({_total_items, _embedded.custom_fields}); a bare object is accepted too.
        const res = await http.request(
          "PATCH",
          `/api/v4/${entity}/custom_fields`,
          customFieldsCreatedSchema,
          {
            body: chunk,
          },
        );
        return (res?._embedded.custom_fields ?? []).map(toCustomField);
      });
    },

    /**
     * Subscribes `destination` to account webhooks (§6.13). amoCRM updates the subscription when the
     * destination is already there, so calling it again (every reconnect) is harmless. Admin token only.
     */
    async subscribeWebhook(input: {
      destination: string;
      events: readonly WebhookEventName[];
    }): Promise<AmoWebhookSubscription> {
      const res = await http.request("POST", "/api/v4/webhooks", webhookSubscriptionSchema, {
        body: { destination: input.destination, settings: input.events },
      });
      if (!res) throw new AmocrmResponseError("POST", "/api/v4/webhooks", "empty body");
      return toWebhookSubscription(res);
    },

    async listTags(entity: TagEntity, o: { query?: string } = {}): Promise<AmoTag[]> {
      const raw = await collect(
        http.paginate(`/api/v4/${entity}/tags`, "tags", tagSchema, { query: { query: o.query } }),
      );
      return raw.map((t) => ({ id: t.id, name: t.name, color: t.color ?? null }));
    },

    async createTags(entity: TagEntity, tags: { name: string; color?: string }[]): Promise<AmoTag[]> {
      return inChunks(tags, async (chunk) => {
        const res = await http.request("POST", `/api/v4/${entity}/tags`, tagsCreatedSchema, { body: chunk });
        return (res?._embedded.tags ?? []).map((t) => ({ id: t.id, name: t.name, color: t.color ?? null }));
      });
    },
  };
}
