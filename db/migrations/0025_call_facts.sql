ALTER TABLE "calls" ADD COLUMN "talked_extensions" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "summary" jsonb;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "direction_note" text;