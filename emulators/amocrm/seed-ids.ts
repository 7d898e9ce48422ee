// Seeded ids and credentials (see README "Seeded data"). Ids follow the official doc examples where they agree.

export const DEMO_CLIENT_ID = "5f3c1e2a-7b4d-4c8e-9a1f-2d3b4c5d6e7f";
export const DEMO_CLIENT_SECRET = "demo-secret-2Xq9LmT4vR8sK1pW6yZ3nB7cH0jF5gD2";
export const DEMO_REDIRECT_URI = "http://localhost:3000/api/auth/callback/amocrm";
export const DEMO_DISCONNECT_URL = "http://localhost:3000/api/amocrm/uninstall";
export const DEMO_SUBDOMAIN = "demo";
export const OTHER_SUBDOMAIN = "other";
export const DEMO_ACCOUNT_ID = 28805383;
export const OTHER_ACCOUNT_ID = 30441694;

/** Seed timestamp (2025-11-24T15:20:00Z); entity dates are offsets from it so the seed never changes. */
export const SEED_TIME = 1764000000;

export const USERS = {
  admin: 504141,
  manager: 8238874,
  analyst: 32321,
  sales: 2004184,
  support: 47272,
} as const;

/** The `other` account's own staff (its admin is the demo admin: one person owning two companies). */
export const OTHER_USERS = { nikolaev: 7300101, fedorova: 7300102 } as const;

export const PIPELINE_MAIN = 3383152;
export const PIPELINE_REPEAT = 47521;
export const STATUS = {
  mainUnsorted: 33929749,
  mainFirstContact: 33929752,
  mainNegotiation: 33929755,
  mainDecision: 33929758,
  repeatUnsorted: 525740,
  repeatNew: 525743,
  repeatInvoice: 525746,
  won: 142,
  lost: 143,
} as const;

export const FIELD = {
  phone: 66192,
  email: 66186,
  position: 271316,
  leadComment: 294471,
  leadSourceText: 1286573,
  leadInterests: 1286575,
  leadUnsortedNote: 284785,
} as const;

export const PHONE_ENUMS: Record<string, number> = {
  WORK: 193226,
  WORKDD: 193228,
  MOB: 193230,
  FAX: 193232,
  HOME: 193234,
  OTHER: 193236,
};
export const EMAIL_ENUMS: Record<string, number> = { WORK: 193200, PRIV: 193202, OTHER: 193204 };
