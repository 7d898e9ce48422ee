// A user named in a write (`responsible_user_id`, …) must be one of the account's users: amoCRM answers an
// unknown id with its validation error, 400 NotSupportedChoice on the field (reference §5.1), naming the
// element by the client's `request_id`, or by its index when the client gave none.
import { failValidation } from "../errors";
import type { Account } from "../state";

/** The `request_id` a validation error names an element by. */
export const requestIdOf = (input: { request_id?: string } | undefined, index: number): string =>
  input?.request_id ?? String(index);

export function checkUserRef(
  acc: Account,
  userId: number | undefined,
  requestId: string,
  path = "responsible_user_id",
): void {
  if (userId === undefined || acc.users.some((u) => u.id === userId)) return;
  failValidation(requestId, [
    { code: "NotSupportedChoice", path, detail: "The value you selected is not a valid choice." },
  ]);
}
