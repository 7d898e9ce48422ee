import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { primaryId, timestamps, ts } from "./_columns";
import { tenantRef } from "./_tenant-ref";
import { calls } from "./calls";

/**
 * waiting (MANGO asked on a backoff until topics or a comment appear) → placing (they are known; the deal
 * and the note are being written) → saved; or skipped (nothing to save: none appeared within the hour,
 * MANGO no longer knows the call, the switch went off — with the reason).
 */
export type CallTopicsState = "waiting" | "placing" | "saved" | "skipped";

/**
 * «Сохранять в сделках тематики и комментарии звонка из Контакт-центра» for one call (server/topics): one
 * row per call, whatever number of summaries or polls. Each amoCRM step is recorded once it was accepted,
 * so a retried run picks up after it and never repeats it.
 */
export const callTopics = pgTable(
  "call_topics",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    callId: uuid("call_id")
      .notNull()
      .references(() => calls.id, { onDelete: "cascade" }),
    entryId: text("entry_id").notNull(),
    /** A Contact Center outbound campaign call (the only calls polled when contacts are not created). */
    campaignCall: boolean("campaign_call").notNull(),
    state: text("state").$type<CallTopicsState>().notNull().default("waiting"),
    /** The call's start + 1 hour: nothing appeared by then = given up (MANGO's own widget's window). */
    deadlineAt: ts("deadline_at").notNull(),
    polls: integer("polls").notNull().default(0),
    nextPollAt: ts("next_poll_at"),
    topicIds: jsonb("topic_ids").$type<number[]>(),
    /** The topics' paths in the tree as they were when saved («Продажи / Консультация»). */
    topicPaths: jsonb("topic_paths").$type<string[]>(),
    comment: text("comment"),
    contactId: bigint("contact_id", { mode: "number" }),
    leadId: bigint("lead_id", { mode: "number" }),
    /** Where the note went: a deal made for this call, the call log's deal, or the open deal (★ option). */
    placement: text("placement").$type<"new_deal" | "new_contact" | "call_log_deal" | "open_deal">(),
    noteAttemptedAt: ts("note_attempted_at"),
    noteId: bigint("note_id", { mode: "number" }),
    /** ★ «Тематики КЦ» written on the deal. */
    fieldSetAt: ts("field_set_at"),
    reason: text("reason"),
    /** MANGO's result code when it refused (3300: the call is no longer known). */
    mangoCode: integer("mango_code"),
    finishedAt: ts("finished_at"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("call_topics_tenant_call").on(t.tenantId, t.callId),
    index("call_topics_tenant_state").on(t.tenantId, t.state),
  ],
);

/**
 * The tenant's Contact Center topic tree (/vpbx/cc/tags/), cached: refreshed when a call names an id not
 * in it. `amoEnumId` is the topic's option in the deal field «Тематики КЦ» once it was created there.
 */
export const ccTopics = pgTable(
  "cc_topics",
  {
    tenantId: tenantRef(),
    topicId: bigint("topic_id", { mode: "number" }).notNull(),
    parentId: bigint("parent_id", { mode: "number" }),
    name: text("name").notNull(),
    isFolder: boolean("is_folder").notNull().default(false),
    /** Gone from MANGO's tree at the last refresh: kept so old calls still show the name they had. */
    removedAt: ts("removed_at"),
    amoEnumId: bigint("amo_enum_id", { mode: "number" }),
    fetchedAt: ts("fetched_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.topicId] })],
);

export type CallTopicsRow = typeof callTopics.$inferSelect;
