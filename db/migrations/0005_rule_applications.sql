CREATE TYPE "public"."rule_application_status" AS ENUM('running', 'done', 'cancelled', 'failed');--> statement-breakpoint
CREATE TABLE "rule_applications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"rule_id" uuid NOT NULL,
	"pipeline_id" bigint NOT NULL,
	"status_id" bigint NOT NULL,
	"status" "rule_application_status" DEFAULT 'running' NOT NULL,
	"started_by_user_id" uuid,
	"total" integer,
	"processed" integer DEFAULT 0 NOT NULL,
	"queued" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"skip_reasons" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"cursor_page" integer DEFAULT 1 NOT NULL,
	"checkpoint" jsonb,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"error" text,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sms_messages" ADD COLUMN "notes_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sms_messages" ADD COLUMN "notes_locked_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rule_applications" ADD CONSTRAINT "rule_applications_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_applications" ADD CONSTRAINT "rule_applications_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_applications" ADD CONSTRAINT "rule_applications_started_by_user_id_users_id_fk" FOREIGN KEY ("started_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rule_applications_tenant_rule" ON "rule_applications" USING btree ("tenant_id","rule_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "rule_applications_one_running" ON "rule_applications" USING btree ("tenant_id","rule_id") WHERE "rule_applications"."status" = 'running';--> statement-breakpoint
CREATE INDEX "sms_messages_notes_due" ON "sms_messages" USING btree ("tenant_id","notes_due_at") WHERE "sms_messages"."notes_due_at" is not null and "sms_messages"."noted_at" is null;