ALTER TABLE "mango_connections" ADD COLUMN "key_fingerprint" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "time_zone" text DEFAULT 'Europe/Moscow' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "mango_connections_key_fingerprint" ON "mango_connections" USING btree ("key_fingerprint");