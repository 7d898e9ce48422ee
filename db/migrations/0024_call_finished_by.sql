CREATE TYPE "public"."call_finished_by" AS ENUM('summary', 'legs');--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "legs" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "finished_by" "call_finished_by";--> statement-breakpoint
-- Every call finished before this column existed was finished by its summary.
UPDATE "calls" SET "finished_by" = 'summary' WHERE "stage" = 'finished';
