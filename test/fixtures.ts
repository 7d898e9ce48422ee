import path from "node:path";
import { fileURLToPath } from "node:url";

/** The sample payloads kept in the repository (`test/fixtures/samples/README.md` says where each comes from). */
export const SAMPLES_ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures/samples");

export const AMOCRM_SAMPLES = path.join(SAMPLES_ROOT, "amocrm");
