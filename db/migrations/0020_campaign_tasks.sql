CREATE TYPE "public"."campaign_task_state" AS ENUM('queued', 'added', 'duplicate', 'failed');--> statement-breakpoint
CREATE TABLE "campaign_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"rule_id" uuid,
	"lead_id" bigint NOT NULL,
	"contact_id" bigint,
	"campaign_id" bigint NOT NULL,
	"campaign_name" text,
	"idempotency_key" text NOT NULL,
	"state" "campaign_task_state" DEFAULT 'queued' NOT NULL,
	"contact_name" text,
	"phone" text NOT NULL,
	"phone_sealed" text NOT NULL,
	"seal_key_id" text NOT NULL,
	"mango_task_id" bigint,
	"reason" text,
	"result_code" integer,
	"added_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaign_technical_tasks" (
	"tenant_id" uuid NOT NULL,
	"campaign_id" bigint NOT NULL,
	"state" text DEFAULT 'adding' NOT NULL,
	"number" text,
	"mango_task_id" bigint,
	"added_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaign_technical_tasks_tenant_id_campaign_id_pk" PRIMARY KEY("tenant_id","campaign_id")
);
--> statement-breakpoint
ALTER TABLE "campaign_tasks" ADD CONSTRAINT "campaign_tasks_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_tasks" ADD CONSTRAINT "campaign_tasks_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_technical_tasks" ADD CONSTRAINT "campaign_technical_tasks_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "campaign_tasks_tenant_lead_campaign" ON "campaign_tasks" USING btree ("tenant_id","lead_id","campaign_id");--> statement-breakpoint
CREATE INDEX "campaign_tasks_tenant_rule_lead" ON "campaign_tasks" USING btree ("tenant_id","rule_id","lead_id");