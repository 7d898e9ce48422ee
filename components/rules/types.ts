import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/router";

// Type-only: the shapes the rules procedures answer with.
type Out = inferRouterOutputs<AppRouter>["rules"];
export type EditorContext = Out["editorContext"];
export type EditorUser = EditorContext["users"][number];
export type EditorField = EditorContext["fields"]["lead"][number];
export type MacroGroup = EditorContext["macros"][number];
export type StoredRule = Out["list"]["rules"][number];
export type StageDeal = Out["stageDeals"]["deals"][number];
export type SmsPreview = Out["preview"];
export type RuleApplication = NonNullable<Out["applyStatus"]["application"]>;
