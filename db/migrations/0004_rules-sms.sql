CREATE TYPE "public"."sms_status" AS ENUM('queued', 'sent', 'delivered', 'failed', 'skipped');--> statement-breakpoint
CREATE TABLE "rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"pipeline_id" bigint NOT NULL,
	"status_id" bigint NOT NULL,
	"document" jsonb NOT NULL,
	"author_amo_user_id" bigint NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sms_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"rule_id" uuid,
	"lead_id" bigint,
	"contact_id" bigint,
	"recipient_role" text NOT NULL,
	"phone" text NOT NULL,
	"text" text NOT NULL,
	"segments" integer DEFAULT 1 NOT NULL,
	"from_extension" text NOT NULL,
	"sender_name" text,
	"idempotency_key" text NOT NULL,
	"command_id" text NOT NULL,
	"status" "sms_status" DEFAULT 'queued' NOT NULL,
	"reason" text,
	"result_code" integer,
	"command_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"contact_note_id" bigint,
	"lead_note_id" bigint,
	"noted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rules" ADD CONSTRAINT "rules_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sms_messages" ADD CONSTRAINT "sms_messages_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sms_messages" ADD CONSTRAINT "sms_messages_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rules_tenant_stage" ON "rules" USING btree ("tenant_id","pipeline_id","status_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sms_messages_tenant_key" ON "sms_messages" USING btree ("tenant_id","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "sms_messages_tenant_command" ON "sms_messages" USING btree ("tenant_id","command_id");--> statement-breakpoint
CREATE INDEX "sms_messages_tenant_created" ON "sms_messages" USING btree ("tenant_id","created_at");