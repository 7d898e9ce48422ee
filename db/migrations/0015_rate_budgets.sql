CREATE TABLE "rate_budgets" (
	"key" text PRIMARY KEY NOT NULL,
	"slots" bigint[] NOT NULL
);
