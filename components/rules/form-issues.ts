import { toNestErrors } from "@hookform/resolvers";
import type { FieldError, FieldValues, Resolver } from "react-hook-form";
import type { z } from "zod";

/**
 * The form validates with the schemas `rules.save` uses (lib/domain/rules/bounds.ts), whose messages are
 * Russian for the server's answer. The form shows its messages from `rules.form.errors` in the person's
 * language instead, so an issue becomes a key there, with the limit after a colon ("tooLong:120"), read by
 * FieldError. A message that is no key (a server refusal) is shown as it is.
 */

type Issue = z.core.$ZodIssue;

/** Which "required" message a field's empty value gets. */
const REQUIRED_OF: Record<string, string> = {
  senderName: "senderRequired",
  template: "templateRequired",
};

export function formMessageOf(issue: Issue): string {
  const field = String(issue.path.at(-1) ?? "");
  switch (issue.code) {
    case "too_big":
      return issue.origin === "string" || issue.origin === "array"
        ? `tooLong:${issue.maximum}`
        : `tooBig:${issue.maximum}`;
    case "too_small":
      if (issue.origin === "string") return REQUIRED_OF[field] ?? "required";
      return Number(issue.minimum) === 0 ? "negative" : `tooSmall:${issue.minimum}`;
    case "invalid_format":
      return field === "senderName" ? "senderFormat" : issue.message;
    case "invalid_type":
      return issue.expected === "int" ? "integer" : issue.expected === "number" ? "number" : issue.message;
    default:
      return issue.message;
  }
}

/** react-hook-form's resolver for a schema, with the messages above (first issue of each field). */
export function keyedResolver<T extends FieldValues>(
  schema: z.ZodType<T>,
  /** Another schema for some values (the rule form without its SMS action). */
  pick?: (values: T) => z.ZodType<T> | null,
): Resolver<T> {
  return async (values, _context, options) => {
    const parsed = await (pick?.(values) ?? schema).safeParseAsync(values);
    if (parsed.success) return { values: parsed.data, errors: {} };
    const flat: Record<string, FieldError> = {};
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String).join(".");
      flat[path] ??= { type: issue.code, message: formMessageOf(issue) };
    }
    return { values: {}, errors: toNestErrors(flat, options) };
  };
}

/**
 * `rules.save`'s input issues (path in the procedure's input) → the form's fields. The SMS action is the
 * first action of the draft (draftOf), a condition row is the condition of the same index.
 */
export function formPathOf(serverPath: string): string | null {
  const p = serverPath.replace(/^rule\./, "");
  if (p === "name" || p === "trigger" || p === "applyToCurrentDeals") return p;
  const action = /^actions\.0\.(senderName|template|fallback|recipients)(\..*)?$/.exec(p);
  if (action) return action[1]!;
  const callback = /^actions\.\d+\.(lineNumber|target)(\..*)?$/.exec(p);
  if (callback) return callback[1] === "lineNumber" ? "callback.lineNumber" : "callback.targetType";
  const campaign = /^actions\.\d+\.(campaignId|campaignName)(\..*)?$/.exec(p);
  if (campaign) return "campaign.campaignId";
  const condition = /^conditions\.items\.(\d+)\.(value|userId|fieldId)$/.exec(p);
  if (condition) return `conditions.${condition[1]}.${condition[2]}`;
  return null;
}

/** "tooLong:120" → ["tooLong", { max: 120 }]; a plain key or text → [it, {}]. */
export function splitFormMessage(message: string): [string, { max?: number }] {
  const m = /^([A-Za-z]+):(-?\d+)$/.exec(message);
  return m ? [m[1]!, { max: Number(m[2]) }] : [message, {}];
}
