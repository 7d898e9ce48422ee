CREATE TABLE "realtime_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"tenant_id" uuid NOT NULL,
	"amo_user_id" bigint NOT NULL,
	"origin" text NOT NULL,
	"ciphertext" text NOT NULL,
	"key_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "realtime_presence" (
	"instance_id" text NOT NULL,
	"topic" text NOT NULL,
	"tenant_id" uuid NOT NULL,
	"amo_user_id" bigint NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "realtime_presence_topic_tenant_id_amo_user_id_instance_id_pk" PRIMARY KEY("topic","tenant_id","amo_user_id","instance_id")
);
--> statement-breakpoint
ALTER TABLE "realtime_messages" ADD CONSTRAINT "realtime_messages_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "realtime_presence" ADD CONSTRAINT "realtime_presence_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "realtime_messages_created" ON "realtime_messages" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "realtime_presence_expiry" ON "realtime_presence" USING btree ("expires_at");