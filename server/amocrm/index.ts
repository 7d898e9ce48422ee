// The amoCRM API client layer: what the rest of Amango imports. No database, no MANGO: tokens and the
// account base URL are handed in by the caller (server/<capability>/).
export { type AmocrmClient, type AmocrmClientOptions, createAmocrmClient } from "./api";
export {
  AmocrmApiError,
  AmocrmError,
  AmocrmNetworkError,
  AmocrmOAuthError,
  AmocrmResponseError,
} from "./errors";
export { type AmoLeadEvent, type LeadEventType, MAX_EVENTS_PAGE } from "./events";
export { inChunks, MAX_BATCH_SIZE, MAX_PAGE_SIZE } from "./http";
export {
  accountBaseUrlFromReferer,
  apiDomainOf,
  buildAuthorizeUrl,
  exchangeCode,
  getAccountSubdomain,
  isAllowedAmocrmBaseUrl,
  isAllowedAmocrmHost,
  refreshTokens,
  type TokenPair,
} from "./oauth";
export {
  accountLimitKey,
  createRateLimiter,
  DEFAULT_MARGIN_MS,
  DEFAULT_REQUESTS_PER_SECOND,
  type RateLimiter,
  sharedRateLimiter,
  WINDOW_MS,
} from "./rate-limit";
export * from "./requests";
export * from "./transform";
export {
  verifyDisconnectHook,
  verifyWidgetToken,
  type WidgetIdentity,
  WidgetTokenError,
} from "./widget-auth";
