import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/router";

// Type-only: the shapes the employees procedures answer with.
type Out = inferRouterOutputs<AppRouter>["employees"];
export type Directory = Out["list"];
export type DirectoryEmployee = Directory["employees"][number];
export type DirectoryUser = Directory["users"][number];
export type Proposals = Out["proposals"];
export type ResyncReport = Out["resync"];
export type LinkSource = NonNullable<DirectoryEmployee["link"]>["source"];
