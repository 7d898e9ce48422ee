import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** Constant-time string comparison (digests first, so unequal lengths leak nothing either). */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash("sha256").update(a).digest();
  const db = createHash("sha256").update(b).digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

export const hmacSha256Hex = (secret: string, data: string) =>
  createHmac("sha256", secret).update(data).digest("hex");
export const sha256Hex = (data: string) => createHash("sha256").update(data).digest("hex");
