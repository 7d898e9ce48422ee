const PHONE_LIKE = /\+?\d[\d\s().-]{8,}\d/g;
const SECRET_KEYS = /(secret|salt|token|password|api_?key|sign|authorization|code)$/i;

/** +79991234567 → +7999***4567: enough to recognise a number, not enough to dial it. */
export function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, "");
  if (digits.length < 7) return value;
  return `${value.trim().startsWith("+") ? "+" : ""}${digits.slice(0, 4)}***${digits.slice(-4)}`;
}

export function maskText(text: string): string {
  return text.replace(PHONE_LIKE, (m) => maskPhone(m));
}

/** A deep copy safe to show a person or keep in the activity log: secrets censored, phones masked. */
export function maskPayload(value: unknown, depth = 0): unknown {
  if (depth > 12) return "[…]";
  if (typeof value === "string") return maskText(value);
  if (typeof value === "number" && Number.isInteger(value) && String(Math.abs(value)).length >= 10) {
    return maskPhone(String(value));
  }
  if (Array.isArray(value)) return value.map((v) => maskPayload(v, depth + 1));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        SECRET_KEYS.test(k) ? "[redacted]" : maskPayload(v, depth + 1),
      ]),
    );
  }
  return value;
}
