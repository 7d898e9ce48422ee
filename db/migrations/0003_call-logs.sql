CREATE TYPE "public"."call_log_state" AS ENUM('in_progress', 'done', 'skipped');--> statement-breakpoint
CREATE TABLE "call_logs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"call_id" uuid NOT NULL,
	"state" "call_log_state" DEFAULT 'in_progress' NOT NULL,
	"reason" text,
	"client_resolved_at" timestamp with time zone,
	"contact_id" bigint,
	"lead_id" bigint,
	"created_contact" boolean DEFAULT false NOT NULL,
	"created_lead" boolean DEFAULT false NOT NULL,
	"client" jsonb,
	"logged_at" timestamp with time zone,
	"logged_via" text,
	"amo_call_id" bigint,
	"amo_note_id" bigint,
	"logged_entity_type" text,
	"logged_entity_id" bigint,
	"task_done_at" timestamp with time zone,
	"task_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "caller_extension" text;--> statement-breakpoint
ALTER TABLE "call_logs" ADD CONSTRAINT "call_logs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_logs" ADD CONSTRAINT "call_logs_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "call_logs_tenant_call" ON "call_logs" USING btree ("tenant_id","call_id");