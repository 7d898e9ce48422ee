// custom_fields_values: validation of writes (by field_id or field_code, enum_id / enum_code / legacy `enum`)
// and the read shape {field_id, field_name, field_code, field_type, values[{value, enum_id, enum_code}]}.
import { z } from "zod";
import { failValidation } from "./errors";
import type { Account, EntityType, StoredCf, StoredCfValue } from "./state";

const cfValueIn = z.looseObject({
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
  enum_id: z.number().int().optional(),
  enum_code: z.string().optional(),
  enum: z.union([z.string(), z.number()]).optional(),
});

export const cfIn = z.looseObject({
  field_id: z.number().int().optional(),
  field_code: z.string().optional(),
  values: z.array(cfValueIn).nullable(),
});

export const cfListIn = z.array(cfIn);
export type CfIn = z.infer<typeof cfIn>;

export const ENUM_TYPES = new Set(["multitext", "select", "multiselect", "radiobutton"]);

/** Resolves and validates input values against the account's field definitions; errors carry amoCRM paths. */
export function resolveCustomFields(
  acc: Account,
  entity: EntityType,
  input: CfIn[],
  requestId: string,
  prefix = "custom_fields_values",
): StoredCf[] {
  const out: StoredCf[] = [];
  input.forEach((cf, i) => {
    const def = acc.custom_fields.find(
      (f) =>
        f.entity_type === entity &&
        ((cf.field_id !== undefined && f.id === cf.field_id) ||
          (cf.field_id === undefined && cf.field_code !== undefined && f.code === cf.field_code)),
    );
    if (!def) {
      const key = cf.field_id !== undefined || cf.field_code === undefined ? "field_id" : "field_code";
      failValidation(requestId, [
        {
          code: "NotSupportedChoice",
          path: `${prefix}.${i}.${key}`,
          detail: "The value you selected is not a valid choice.",
        },
      ]);
    }
    const values: StoredCfValue[] = [];
    (cf.values ?? []).forEach((v, j) => {
      if (!ENUM_TYPES.has(def.type)) {
        values.push({ value: v.value ?? null });
        return;
      }
      const enums = def.enums ?? [];
      const legacy = v.enum;
      const e =
        v.enum_id !== undefined
          ? enums.find((x) => x.id === v.enum_id)
          : v.enum_code !== undefined
            ? enums.find((x) => x.value === v.enum_code)
            : legacy !== undefined
              ? enums.find((x) => x.value === String(legacy) || x.id === Number(legacy))
              : def.type === "multitext"
                ? enums[0] // amoCRM files a phone/e-mail without a type under the first enum (WORK)
                : enums.find((x) => x.value === v.value);
      if (!e) {
        failValidation(requestId, [
          {
            code: "NotSupportedChoice",
            path: `${prefix}.${i}.values.${j}.${v.enum_code !== undefined ? "enum_code" : "enum_id"}`,
            detail: "The value you selected is not a valid choice.",
          },
        ]);
      }
      if (def.type === "multitext") values.push({ value: v.value ?? "", enum_id: e.id, enum_code: e.value });
      else values.push({ value: e.value, enum_id: e.id });
    });
    out.push({ field_id: def.id, values });
  });
  return out;
}

/** Replaces the listed fields, keeps the others; an empty `values` list clears a field. */
export function mergeCustomFields(current: StoredCf[], updates: StoredCf[]): StoredCf[] {
  const map = new Map(current.map((c) => [c.field_id, c]));
  for (const u of updates) {
    if (u.values.length === 0) map.delete(u.field_id);
    else map.set(u.field_id, u);
  }
  return [...map.values()];
}

export function renderCustomFields(acc: Account, stored: StoredCf[]): unknown[] | null {
  if (stored.length === 0) return null;
  return stored.map((cf) => {
    const def = acc.custom_fields.find((f) => f.id === cf.field_id);
    const isEnum = def ? ENUM_TYPES.has(def.type) : false;
    return {
      field_id: cf.field_id,
      field_name: def?.name ?? "",
      field_code: def?.code ?? null,
      field_type: def?.type ?? "text",
      values: cf.values.map((v) =>
        isEnum
          ? // Both enum_id and enum_code: the docs disagree which one GET returns (reference §6.5, UNCERTAIN).
            { value: v.value ?? null, enum_id: v.enum_id ?? null, enum_code: v.enum_code ?? null }
          : { value: v.value ?? null },
      ),
    };
  });
}

export function phoneDigits(raw: unknown): string {
  return String(raw ?? "").replace(/\D/g, "");
}

/** amoCRM matches calls to contacts by the last 10 digits (reference §6.8). */
export function phoneKey(raw: unknown): string {
  return phoneDigits(raw).slice(-10);
}

export function phonesOf(acc: Account, cfs: StoredCf[]): string[] {
  const phoneField = acc.custom_fields.find((f) => f.code === "PHONE" && f.entity_type === "contacts");
  return cfs
    .filter((cf) => cf.field_id === phoneField?.id)
    .flatMap((cf) => cf.values.map((v) => String(v.value ?? "")));
}
