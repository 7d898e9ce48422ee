// Deterministic seed. Ids are borrowed from the official doc examples (test/fixtures/samples/amocrm)
// wherever the examples agree, so that the documented request bodies are accepted as they are.
import { demoAccount, otherAccount } from "./seed-accounts";
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_DISCONNECT_URL,
  DEMO_REDIRECT_URI,
  DEMO_SUBDOMAIN,
  OTHER_SUBDOMAIN,
} from "./seed-ids";
import type { Integration, State } from "./state";

export * from "./seed-ids";

export function demoIntegration(): Integration {
  return {
    client_id: DEMO_CLIENT_ID,
    client_secret: DEMO_CLIENT_SECRET,
    name: "Amango (demo)",
    redirect_uris: [DEMO_REDIRECT_URI],
    disconnect_url: DEMO_DISCONNECT_URL,
    installed_in: [],
  };
}

export function seedState(): State {
  return {
    accounts: { [DEMO_SUBDOMAIN]: demoAccount(), [OTHER_SUBDOMAIN]: otherAccount() },
    integrations: { [DEMO_CLIENT_ID]: demoIntegration() },
    codes: [],
    access_tokens: [],
    refresh_tokens: [],
  };
}
