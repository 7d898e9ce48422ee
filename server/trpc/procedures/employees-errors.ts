import { TRPCError } from "@trpc/server";
import { EmployeeLinkError } from "@/server/employees/links";

const CODE = { not_found: "NOT_FOUND", conflict: "CONFLICT", invalid: "BAD_REQUEST" } as const;

/** The employees domain's refusals as tRPC errors; anything else is left as it is. */
export function asTrpcError(err: unknown): unknown {
  if (err instanceof EmployeeLinkError) return new TRPCError({ code: CODE[err.kind], message: err.message });
  return err;
}
