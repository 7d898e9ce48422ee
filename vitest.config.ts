import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
const alias = { "@": root };
// No test may reach the real MANGO OFFICE: a closed local port answers at once (test workers inherit this).
process.env.MANGO_API_URL ??= "http://127.0.0.1:9/vpbx";

// Four projects share one runner so `npm test` can print one total: unit (pure, fast), integration (real
// PostgreSQL, real HTTP to emulators), reliability (issue 16's suites: bounded, seeded, loopback only; each
// prints its figures) and e2e (Chromium).
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: [
            "**/*.int.test.ts",
            "**/*.e2e.test.ts",
            "**/*.rel.test.ts",
            "node_modules/**",
            ".next/**",
          ],
          environment: "node",
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["**/*.int.test.ts"],
          exclude: ["node_modules/**", ".next/**"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "reliability",
          include: ["reliability/**/*.rel.test.ts"],
          environment: "node",
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "e2e",
          include: ["e2e/**/*.e2e.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
