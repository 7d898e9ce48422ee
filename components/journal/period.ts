// The period filter is shared by every log page: components/data-view/period.ts.
export { PERIODS, type Period, type Range } from "@/components/data-view/period";
