CREATE TYPE "public"."mango_connection_status" AS ENUM('connected', 'failed');--> statement-breakpoint
CREATE TYPE "public"."employee_link_source" AS ENUM('email', 'name', 'mobile', 'manual');--> statement-breakpoint
CREATE TABLE "amocrm_account_state" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"directory_synced_at" timestamp with time zone,
	"cc_fields_ensured_at" timestamp with time zone,
	"cc_field_ids" jsonb,
	"widget_installed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "integration_settings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"settings" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mango_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"status" "mango_connection_status" NOT NULL,
	"key_hint" text NOT NULL,
	"verified_at" timestamp with time zone,
	"first_event_at" timestamp with time zone,
	"last_event_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "amocrm_pipelines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"pipeline_id" bigint NOT NULL,
	"name" text NOT NULL,
	"sort" integer DEFAULT 0 NOT NULL,
	"is_main" boolean DEFAULT false NOT NULL,
	"statuses" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "amocrm_users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"amo_user_id" bigint NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"group_id" bigint,
	"group_name" text,
	"is_admin" boolean DEFAULT false NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "employee_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"mango_employee_id" uuid NOT NULL,
	"amo_user_id" bigint NOT NULL,
	"source" "employee_link_source" NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mango_employees" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"mango_key" text NOT NULL,
	"extension" text,
	"name" text NOT NULL,
	"email" text,
	"mobile" text,
	"groups" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"is_present" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "amocrm_account_state" ADD CONSTRAINT "amocrm_account_state_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_settings" ADD CONSTRAINT "integration_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mango_connections" ADD CONSTRAINT "mango_connections_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "amocrm_pipelines" ADD CONSTRAINT "amocrm_pipelines_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "amocrm_users" ADD CONSTRAINT "amocrm_users_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employee_links" ADD CONSTRAINT "employee_links_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employee_links" ADD CONSTRAINT "employee_links_mango_employee_id_mango_employees_id_fk" FOREIGN KEY ("mango_employee_id") REFERENCES "public"."mango_employees"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mango_employees" ADD CONSTRAINT "mango_employees_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "amocrm_account_state_tenant" ON "amocrm_account_state" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "integration_settings_tenant" ON "integration_settings" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "mango_connections_tenant" ON "mango_connections" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "amocrm_pipelines_tenant_pipeline" ON "amocrm_pipelines" USING btree ("tenant_id","pipeline_id");--> statement-breakpoint
CREATE UNIQUE INDEX "amocrm_users_tenant_user" ON "amocrm_users" USING btree ("tenant_id","amo_user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "employee_links_employee" ON "employee_links" USING btree ("tenant_id","mango_employee_id");--> statement-breakpoint
CREATE UNIQUE INDEX "employee_links_user" ON "employee_links" USING btree ("tenant_id","amo_user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "mango_employees_tenant_key" ON "mango_employees" USING btree ("tenant_id","mango_key");--> statement-breakpoint
CREATE INDEX "mango_employees_ext" ON "mango_employees" USING btree ("tenant_id","extension");