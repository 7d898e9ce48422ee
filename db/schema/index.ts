export * from "./activity";
export * from "./jobs";
export * from "./members";
export * from "./secrets";
export * from "./tenants";
export * from "./webhooks";
