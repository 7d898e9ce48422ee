CREATE TYPE "public"."call_direction" AS ENUM('incoming', 'outgoing', 'internal', 'unknown');--> statement-breakpoint
CREATE TYPE "public"."call_stage" AS ENUM('in_progress', 'finished');--> statement-breakpoint
CREATE TABLE "calls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"entry_id" text NOT NULL,
	"direction" "call_direction" DEFAULT 'unknown' NOT NULL,
	"stage" "call_stage" DEFAULT 'in_progress' NOT NULL,
	"client_phone" text,
	"line_number" text,
	"rang_extensions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"answered_extension" text,
	"started_at" timestamp with time zone,
	"answered_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"talk_seconds" integer DEFAULT 0 NOT NULL,
	"disconnect_reason" integer,
	"recording_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"cc_task_id" bigint,
	"callback_initiator" text,
	"command_id" text,
	"applied_events" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "calls_tenant_entry" ON "calls" USING btree ("tenant_id","entry_id");--> statement-breakpoint
CREATE INDEX "calls_tenant_started" ON "calls" USING btree ("tenant_id","started_at");