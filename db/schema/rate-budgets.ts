import { bigint, pgTable, text } from "drizzle-orm/pg-core";

/**
 * The request budget of one outside API account (amoCRM account, MANGO product and method group), shared by
 * every instance and both job drivers: the times (ms since epoch, PostgreSQL's clock) of the last
 * `capacity` slots handed out, ascending. One `INSERT … ON CONFLICT DO UPDATE … RETURNING` per request
 * reserves the next slot (`server/ratebudget/`); no transaction is held while the caller waits for it.
 */
export const rateBudgets = pgTable("rate_budgets", {
  key: text("key").primaryKey(),
  slots: bigint("slots", { mode: "number" }).array().notNull(),
});
