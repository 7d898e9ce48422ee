import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { Db } from "@/db/client";
import type { MemberRole, Tenant } from "@/db/schema";
import type { JobQueue } from "@/server/jobs/queue";
import { safeErrorMessage } from "@/server/log/errors";
import { getMembership } from "@/server/tenancy/queries";

/** Who is calling: from the next-auth session, never from input. */
export type SessionIdentity = { userId: string; tenantId: string | null };

export type TrpcContext = {
  db: Db;
  queue: JobQueue;
  session: SessionIdentity | null;
  requestId: string;
};

/** Ids of another tenant's rows that the shared security suite feeds to every procedure. */
export type SecurityFixture = {
  tenantId: string;
  activityId: string;
  failedActivityId: string;
  memberUserId: string;
  /** A MANGO employee and an amoCRM user of the fixture tenant, not paired (employees.link pairs them). */
  mangoEmployeeId: string;
  /** The amoCRM user id in decimal: the suite looks for fixture values inside inputs as strings. */
  amoUserId: string;
  /** A finished call of the fixture tenant, logged to amoCRM (Звонки). */
  callId: string;
  /** A DP rule of the fixture tenant (Правила). */
  ruleId: string;
  /** A finished "apply to current deals" of that rule. */
  ruleApplicationId: string;
  /** The fixture tenant's owner (members.setRole must not demote them from another tenant). */
  ownerUserId: string;
  /** A MANGO employee of the fixture tenant paired with its owner (employees.unlink would remove the pair). */
  linkedMangoEmployeeId: string;
  /** A MANGO employee the automatic matching pairs by e-mail, not yet paired (employees.applyProposals). */
  proposedMangoEmployeeId: string;
  /** A second rule of the fixture tenant with an "apply to current deals" running (rules.applyCancel). */
  runningRuleId: string;
  /** A queued auto-callback of the running rule (callbacks.remove / callNow). */
  callbackItemId: string;
};

export type ProcedureMeta = {
  /**
   * "extended": admins, and members with a mapped MANGO extension (extended integration), e.g. rule editing;
   * the procedure's own middleware checks the extension, and its tests show the member refused.
   */
  access: "public" | "protected" | "tenant" | "extended" | "admin";
  /** An input naming the fixture tenant's ids; the security suite calls the procedure with it. */
  sample?: (f: SecurityFixture) => unknown;
};

/** Input validation issues for the client; tRPC may wrap a zod 4 error, so look for its issues, not its class. */
function zodIssuesOf(cause: unknown): { path: string; message: string }[] | null {
  const issues =
    cause instanceof ZodError ? cause.issues : (cause as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return null;
  return issues.map((i: { path?: PropertyKey[]; message?: string }) => ({
    path: (i.path ?? []).map(String).join("."),
    message: i.message ?? "",
  }));
}

const t = initTRPC
  .context<TrpcContext>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      if (error.code !== "INTERNAL_SERVER_ERROR")
        return { ...shape, data: { ...shape.data, zodError: zodIssuesOf(error.cause) } };
      // An unexpected failure's message may be a failed query's, with its parameters (and the development
      // stack starts with it): never answer those.
      const message = safeErrorMessage(error);
      const frames = shape.data.stack?.split("\n").filter((line) => /^\s+at /.test(line));
      return {
        ...shape,
        message,
        data: {
          ...shape.data,
          stack: frames ? [`${error.name}: ${message}`, ...frames].join("\n") : undefined,
          zodError: null,
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.meta({ access: "public" });

export const protectedProcedure = t.procedure.meta({ access: "protected" }).use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Войдите в систему" });
  return next({ ctx: { ...ctx, session: ctx.session } });
});

/** The caller's tenant and role, loaded from their membership: `ctx.tenant` and `ctx.role` are non-null. */
export const tenantProcedure = protectedProcedure.meta({ access: "tenant" }).use(async ({ ctx, next }) => {
  const { tenantId, userId } = ctx.session;
  const found = tenantId ? await getMembership(ctx.db, { tenantId, userId }) : null;
  if (!found) throw new TRPCError({ code: "FORBIDDEN", message: "Нет доступа к аккаунту" });
  const tenant: Tenant = found.tenant;
  const role: MemberRole = found.membership.role;
  return next({ ctx: { ...ctx, tenant, role, user: found.user } });
});

export const adminProcedure = tenantProcedure.meta({ access: "admin" }).use(({ ctx, next }) => {
  if (ctx.role === "member")
    throw new TRPCError({ code: "FORBIDDEN", message: "Нужны права администратора" });
  return next({ ctx });
});

/** Not yours and not there are the same answer, so ids from other tenants reveal nothing. */
export const notFound = (what = "Запись") =>
  new TRPCError({ code: "NOT_FOUND", message: `${what} не найдена` });
