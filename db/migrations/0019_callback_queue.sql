CREATE TYPE "public"."callback_state" AS ENUM('queued', 'dialing', 'succeeded', 'failed', 'cleared', 'removed', 'expired', 'skipped');--> statement-breakpoint
CREATE TYPE "public"."callback_target_type" AS ENUM('responsible', 'employee', 'group');--> statement-breakpoint
CREATE TABLE "callback_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"command_id" text NOT NULL,
	"entry_id" text,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"result_code" integer,
	"operator_connected_at" timestamp with time zone,
	"client_answered_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"disconnect_reason" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "callback_pacing" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"next_slot_at" timestamp with time zone,
	"last_dispatch_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "callback_queue" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"seq" bigserial NOT NULL,
	"rule_id" uuid,
	"rule_name" text DEFAULT '' NOT NULL,
	"lead_id" bigint NOT NULL,
	"lead_name" text,
	"contact_id" bigint,
	"idempotency_key" text NOT NULL,
	"state" "callback_state" DEFAULT 'queued' NOT NULL,
	"target_type" "callback_target_type" NOT NULL,
	"target_amo_user_id" bigint,
	"target_extension" text NOT NULL,
	"target_name" text,
	"line_number" text,
	"phone" text NOT NULL,
	"phone_sealed" text NOT NULL,
	"phone_lookup" text NOT NULL,
	"seal_key_id" text NOT NULL,
	"task_on_failure" boolean DEFAULT false NOT NULL,
	"stage_on_success" jsonb,
	"stage_on_failure" jsonb,
	"call_now_at" timestamp with time zone,
	"command_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"dispatched_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"reason" text,
	"result_code" integer,
	"outcome_applied_at" timestamp with time zone,
	"task_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "callback_rule_pauses" (
	"tenant_id" uuid NOT NULL,
	"rule_id" uuid NOT NULL,
	"paused_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "callback_rule_pauses_tenant_id_rule_id_pk" PRIMARY KEY("tenant_id","rule_id")
);
--> statement-breakpoint
ALTER TABLE "callback_attempts" ADD CONSTRAINT "callback_attempts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_attempts" ADD CONSTRAINT "callback_attempts_item_id_callback_queue_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."callback_queue"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_pacing" ADD CONSTRAINT "callback_pacing_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_queue" ADD CONSTRAINT "callback_queue_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_queue" ADD CONSTRAINT "callback_queue_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_rule_pauses" ADD CONSTRAINT "callback_rule_pauses_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_rule_pauses" ADD CONSTRAINT "callback_rule_pauses_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "callback_attempts_tenant_command" ON "callback_attempts" USING btree ("tenant_id","command_id");--> statement-breakpoint
CREATE INDEX "callback_attempts_item" ON "callback_attempts" USING btree ("tenant_id","item_id");--> statement-breakpoint
CREATE UNIQUE INDEX "callback_queue_tenant_key" ON "callback_queue" USING btree ("tenant_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "callback_queue_tenant_queued" ON "callback_queue" USING btree ("tenant_id","seq") WHERE "callback_queue"."state" = 'queued';--> statement-breakpoint
CREATE INDEX "callback_queue_tenant_state" ON "callback_queue" USING btree ("tenant_id","state");--> statement-breakpoint
CREATE INDEX "callback_queue_tenant_rule_lead" ON "callback_queue" USING btree ("tenant_id","rule_id","lead_id");--> statement-breakpoint
CREATE INDEX "callback_queue_tenant_phone" ON "callback_queue" USING btree ("tenant_id","phone_lookup","dispatched_at");--> statement-breakpoint
CREATE UNIQUE INDEX "callback_queue_tenant_command" ON "callback_queue" USING btree ("tenant_id","command_id");