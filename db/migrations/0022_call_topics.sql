CREATE TABLE "call_topics" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"call_id" uuid NOT NULL,
	"entry_id" text NOT NULL,
	"campaign_call" boolean NOT NULL,
	"state" text DEFAULT 'waiting' NOT NULL,
	"deadline_at" timestamp with time zone NOT NULL,
	"polls" integer DEFAULT 0 NOT NULL,
	"next_poll_at" timestamp with time zone,
	"topic_ids" jsonb,
	"topic_paths" jsonb,
	"comment" text,
	"contact_id" bigint,
	"lead_id" bigint,
	"placement" text,
	"note_attempted_at" timestamp with time zone,
	"note_id" bigint,
	"field_set_at" timestamp with time zone,
	"reason" text,
	"mango_code" integer,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cc_topics" (
	"tenant_id" uuid NOT NULL,
	"topic_id" bigint NOT NULL,
	"parent_id" bigint,
	"name" text NOT NULL,
	"is_folder" boolean DEFAULT false NOT NULL,
	"removed_at" timestamp with time zone,
	"amo_enum_id" bigint,
	"fetched_at" timestamp with time zone NOT NULL,
	CONSTRAINT "cc_topics_tenant_id_topic_id_pk" PRIMARY KEY("tenant_id","topic_id")
);
--> statement-breakpoint
ALTER TABLE "amocrm_account_state" ADD COLUMN "cc_topics_field_id" bigint;--> statement-breakpoint
ALTER TABLE "call_topics" ADD CONSTRAINT "call_topics_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_topics" ADD CONSTRAINT "call_topics_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cc_topics" ADD CONSTRAINT "cc_topics_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "call_topics_tenant_call" ON "call_topics" USING btree ("tenant_id","call_id");--> statement-breakpoint
CREATE INDEX "call_topics_tenant_state" ON "call_topics" USING btree ("tenant_id","state");