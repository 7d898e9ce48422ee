/** Seeded credentials and ids of the emulated accounts. Tests, the demo and dev config rely on these values. */
export const DEMO_PBX_ID = "demo";
export const DEMO_VPBX_API_KEY = "demo-vpbx-key";
export const DEMO_VPBX_API_SALT = "demo-vpbx-salt";
export const DEMO_PRODUCT_ID = 400000001;

/** A second, unrelated account: used to prove one account never sees or signs for another. */
export const OTHER_PBX_ID = "other";
export const OTHER_VPBX_API_KEY = "other-vpbx-key";
export const OTHER_VPBX_API_SALT = "other-vpbx-salt";
export const OTHER_PRODUCT_ID = 400000002;

export const DEFAULT_EVENTS_BASE_URL = "http://localhost:3000/api/mango/demo";
export const DEFAULT_OTHER_EVENTS_BASE_URL = "http://localhost:3000/api/mango/other";

/** Seeded line numbers and campaign ids, exported so tests and docs do not hard-code magic numbers. */
export const DEMO_LINE_MAIN = "74950000000";
export const DEMO_LINE_TOLL_FREE = "78005550000";
export const CAMPAIGN_ACTIVE_ENDLESS = 56919;
export const CAMPAIGN_ACTIVE_FINITE = 77002;
export const CAMPAIGN_PAUSED = 77001;
export const CAMPAIGN_COMPLETED = 1254251;

/** Fixed seed epoch (2026-11-02 09:00 UTC) so seeded timestamps are identical on every run. */
export const SEED_EPOCH_SECONDS = 1793610000;
