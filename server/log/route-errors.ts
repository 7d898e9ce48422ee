import { logger } from "./logger";

/**
 * A route handler whose failure is logged by us (parameter-free, ./errors.ts) and answered 500, instead of
 * being thrown to Next.js, whose error output prints the whole error — a failed query's SQL and every bound
 * value (raw bodies, keys, phone numbers).
 */
export function withSafeErrors<A extends unknown[]>(
  route: string,
  handler: (...args: A) => Promise<Response>,
): (...args: A) => Promise<Response> {
  return async (...args: A) => {
    try {
      return await handler(...args);
    } catch (err) {
      logger.error({ route, err }, "request failed");
      return Response.json({ error: "internal error" }, { status: 500 });
    }
  };
}
