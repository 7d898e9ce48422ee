// zod schemas of the amoCRM API v4 responses we read (reference §5–6, samples/amocrm). Only fields we use
// are declared (zod strips the rest); optional/nullable wherever the reference or a sample shows a gap, so
// an account with an unusual shape does not break a whole sync.
import { z } from "zod";

const id = z.number().int();
const nullableString = z.string().nullish();
const link = z.object({ href: z.string() });

/** HAL `_links` of lists: `next` tells whether another page exists. */
export const listLinksSchema = z
  .object({ self: link.optional(), next: link.optional(), prev: link.optional(), first: link.optional() })
  .partial()
  .optional();

/** A list answer: `{ _page?, _links, _embedded: { <key>: T[] } }` (reference §5 "List envelope"). */
export function listSchema<K extends string, T extends z.ZodType>(key: K, item: T) {
  return z.object({
    _page: z.number().optional(),
    _page_count: z.number().optional(),
    _total_items: z.number().optional(),
    _links: listLinksSchema,
    _embedded: z.object({ [key]: z.array(item) } as Record<K, z.ZodArray<T>>),
  });
}

// custom_fields_values — multitext values carry enum_id + enum_code; the official contact example shows
// `enum` instead of `enum_code` (reference §6.5, UNCERTAIN): both are read.
export const customFieldValueSchema = z.object({
  value: z.unknown(),
  enum_id: id.nullish(),
  enum_code: nullableString,
  enum: z.union([z.string(), z.number()]).nullish(),
});

export const customFieldsValuesSchema = z
  .array(
    z.object({
      field_id: id,
      field_name: nullableString,
      field_code: nullableString,
      field_type: nullableString,
      values: z.array(customFieldValueSchema).nullish(),
    }),
  )
  .nullish();

export const tagSchema = z.object({ id, name: z.string(), color: nullableString });

export const accountSchema = z.object({
  id,
  name: z.string(),
  subdomain: z.string(),
  current_user_id: id,
  country: nullableString,
  amojo_id: nullableString,
  uuid: nullableString,
  is_unsorted_on: z.boolean().optional(),
  _embedded: z
    .object({
      users_groups: z.array(z.object({ id, name: z.string(), uuid: nullableString })).optional(),
      task_types: z.array(z.object({ id, name: z.string(), code: nullableString })).optional(),
      datetime_settings: z.object({ timezone: nullableString }).partial().optional(),
      amojo_rights: z
        .object({ can_direct: z.boolean(), can_create_groups: z.boolean() })
        .partial()
        .optional(),
    })
    .optional(),
});

export const userSchema = z.object({
  id,
  name: z.string(),
  email: nullableString,
  lang: nullableString,
  rights: z
    .object({
      is_admin: z.boolean().nullish(),
      is_active: z.boolean().nullish(),
      is_free: z.boolean().nullish(),
      group_id: id.nullish(),
      role_id: id.nullish(),
    })
    .optional(),
});
export const usersListSchema = listSchema("users", userSchema);

export const statusSchema = z.object({
  id,
  name: z.string(),
  sort: z.number(),
  pipeline_id: id.optional(),
  color: nullableString,
  type: z.number().optional(),
  is_editable: z.boolean().optional(),
});
export const pipelineSchema = z.object({
  id,
  name: z.string(),
  sort: z.number(),
  is_main: z.boolean().optional(),
  is_archive: z.boolean().optional(),
  is_unsorted_on: z.boolean().optional(),
  _embedded: z.object({ statuses: z.array(statusSchema) }).optional(),
});
export const pipelinesListSchema = listSchema("pipelines", pipelineSchema);

export const leadSchema = z.object({
  id,
  name: z.string().nullish(),
  price: z.number().nullish(),
  responsible_user_id: id.nullish(),
  group_id: id.nullish(),
  status_id: id,
  pipeline_id: id,
  loss_reason_id: id.nullish(),
  created_by: id.nullish(),
  created_at: z.number().nullish(),
  updated_at: z.number().nullish(),
  closed_at: z.number().nullish(),
  is_deleted: z.boolean().nullish(),
  custom_fields_values: customFieldsValuesSchema,
  _embedded: z
    .object({
      tags: z.array(tagSchema).nullish(),
      contacts: z.array(z.object({ id, is_main: z.boolean().nullish() })).nullish(),
      companies: z.array(z.object({ id })).nullish(),
    })
    .optional(),
});
export const leadsListSchema = listSchema("leads", leadSchema);

export const contactSchema = z.object({
  id,
  name: z.string().nullish(),
  first_name: nullableString,
  last_name: nullableString,
  responsible_user_id: id.nullish(),
  group_id: id.nullish(),
  created_by: id.nullish(),
  created_at: z.number().nullish(),
  updated_at: z.number().nullish(),
  is_deleted: z.boolean().nullish(),
  custom_fields_values: customFieldsValuesSchema,
  _embedded: z
    .object({
      tags: z.array(tagSchema).nullish(),
      leads: z.array(z.object({ id })).nullish(),
      companies: z.array(z.object({ id })).nullish(),
    })
    .optional(),
});
export const contactsListSchema = listSchema("contacts", contactSchema);

export const customFieldSchema = z.object({
  id,
  name: z.string(),
  type: z.string(),
  code: nullableString,
  sort: z.number().nullish(),
  entity_type: nullableString,
  is_api_only: z.boolean().nullish(),
  is_predefined: z.boolean().nullish(),
  enums: z.array(z.object({ id, value: z.string(), sort: z.number().nullish() })).nullish(),
});
export const customFieldsListSchema = listSchema("custom_fields", customFieldSchema);

// The RU doc wraps created fields in `_embedded.custom_fields`; Kommo prints the bare object (reference §6.6,
// UNCERTAIN): both are accepted.
export const customFieldsCreatedSchema = z.union([
  embeddedSchema("custom_fields", customFieldSchema),
  customFieldSchema.transform((f) => ({ _embedded: { custom_fields: [f] } })),
]);

export const tagsListSchema = listSchema("tags", tagSchema);
/** Tag create answer: no `_links` (sample tags-add-response.json). */
export const tagsCreatedSchema = embeddedSchema(
  "tags",
  tagSchema.extend({ request_id: z.string().nullish() }),
);

const requestId = z.union([z.string(), z.number()]).nullish();

/** `{ _embedded: { <key>: T[] } }` — the envelope of create and update answers. */
export function embeddedSchema<K extends string, T extends z.ZodType>(key: K, item: T) {
  return z.object({ _embedded: z.object({ [key]: z.array(item) } as Record<K, z.ZodArray<T>>) });
}

/** Create answers of leads/contacts/tasks/notes: ids in request order with `request_id` (reference §5). */
export const createdItemSchema = z.object({ id, request_id: requestId, entity_id: id.nullish() });
/** A note in a list (reference §6.7): only what finding our own notes needs. */
export const noteSchema = z.looseObject({
  id,
  entity_id: id,
  note_type: z.string(),
  params: z.record(z.string(), z.unknown()).nullish(),
});
export type AmoNoteRaw = z.infer<typeof noteSchema>;

/** A task as GET /api/v4/tasks lists it (reference §6.10), the fields we read. */
export const taskSchema = z.looseObject({
  id,
  text: z.string().nullish(),
  entity_id: z.number().int().nullish(),
  entity_type: z.string().nullish(),
});
export type AmoTaskRaw = z.infer<typeof taskSchema>;

/** Update answers: `{ id, updated_at }` per entity. */
export const updatedItemSchema = z.object({ id, updated_at: z.number().nullish() });

/** `POST /leads/complex` answers a plain array (sample leads-complex-response.json). */
export const complexCreatedSchema = z.array(
  z.object({
    id,
    contact_id: id.nullish(),
    company_id: id.nullish(),
    request_id: z.array(z.string()).nullish(),
    merged: z.boolean().nullish(),
  }),
);

/** One `errors[]` entry of `POST /calls`, read leniently: its shape is undocumented (reference §6.8). */
export const callErrorSchema = z.object({
  request_id: z.union([z.string(), z.number()]).nullish(),
  detail: z.string().nullish(),
  errors: z.array(z.object({ detail: z.string().nullish() })).nullish(),
});

/** `POST /calls` (sample calls-add-response.json); `entity_type` is a singular string there. */
export const callsCreatedSchema = z.object({
  _total_items: z.number().optional(),
  errors: z.array(z.unknown()).nullish(),
  _embedded: z
    .object({
      calls: z.array(
        z.object({
          id,
          entity_id: id.nullish(),
          entity_type: z.union([z.string(), z.number()]).nullish(),
          request_id: requestId,
        }),
      ),
    })
    .optional(),
});

export const tokenResponseSchema = z.object({
  token_type: z.string(),
  expires_in: z.number(),
  server_time: z.number().optional(),
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
});

export const accountSubdomainSchema = z.object({
  id,
  subdomain: z.string(),
  domain: z.string(),
  top_level_domain: z.string().nullish(),
});

/** Claims of a disposable widget token (reference §3); `is_admin` is read by the SDK only. */
export const widgetTokenClaimsSchema = z.object({
  iss: z.string(),
  jti: z.string().optional(),
  exp: z.number(),
  account_id: z.coerce.number().int(),
  user_id: z.coerce.number().int(),
  subdomain: z.string().optional(),
  client_uuid: z.string(),
  is_admin: z.boolean().optional(),
});

/** A webhook subscription (§6.13, sample `webhooks-api-subscribe-response.json`). */
export const webhookSubscriptionSchema = z.object({
  id,
  destination: z.string(),
  disabled: z.boolean().nullish(),
  settings: z.array(z.string()).nullish(),
});

export type RawLead = z.infer<typeof leadSchema>;
export type RawContact = z.infer<typeof contactSchema>;
export type RawUser = z.infer<typeof userSchema>;
export type RawPipeline = z.infer<typeof pipelineSchema>;
export type RawAccount = z.infer<typeof accountSchema>;
export type RawCustomField = z.infer<typeof customFieldSchema>;
export type RawWebhookSubscription = z.infer<typeof webhookSubscriptionSchema>;
export type RawCustomFieldsValues = z.infer<typeof customFieldsValuesSchema>;
