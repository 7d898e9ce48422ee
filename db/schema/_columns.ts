import { integer, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** created/updated stamps every table carries. */
export const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
};

export const primaryId = () => uuid("id").primaryKey().defaultRandom();

/** An AES-256-GCM envelope (base64 of iv|tag|ciphertext) and the id of the key that sealed it. */
export const encryptedValue = () => ({
  ciphertext: text("ciphertext").notNull(),
  keyId: text("key_id").notNull(),
});

export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
export const attempts = () => integer("attempts").notNull().default(0);
