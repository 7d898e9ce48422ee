CREATE TABLE "webhook_rejection_windows" (
	"scope" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"tenant_id" uuid,
	"provider" text NOT NULL,
	"source" text,
	"recorded" integer DEFAULT 0 NOT NULL,
	"suppressed" integer DEFAULT 0 NOT NULL,
	"last_kept" boolean DEFAULT true NOT NULL,
	"last_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_rejection_windows_scope_window_start_pk" PRIMARY KEY("scope","window_start")
);
--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "client_phone_sealed" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "client_phone_key_id" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "client_phone_lookup" text;--> statement-breakpoint
ALTER TABLE "webhook_inbox" ADD COLUMN "sealed_payload" text;--> statement-breakpoint
ALTER TABLE "webhook_inbox" ADD COLUMN "sealed_key_id" text;--> statement-breakpoint
ALTER TABLE "webhook_rejection_windows" ADD CONSTRAINT "webhook_rejection_windows_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_rejection_windows_tenant" ON "webhook_rejection_windows" USING btree ("tenant_id","window_start");--> statement-breakpoint
CREATE INDEX "calls_tenant_phone_lookup" ON "calls" USING btree ("tenant_id","client_phone_lookup");