export * from "./activity";
export * from "./connections";
export * from "./directory";
export * from "./jobs";
export * from "./members";
export * from "./secrets";
export * from "./tenants";
export * from "./webhooks";
