// `npm run emulators`: both emulators in one process (amoCRM on 4010, MANGO OFFICE on 4020; ports by env).
// The amoCRM control page rings calls through the MANGO emulator started here.
process.env.AMOCRM_EMULATOR_MANGO_URL ??= `http://127.0.0.1:${process.env.MANGO_EMULATOR_PORT ?? 4020}`;
await import("./mango/cli");
await import("./amocrm/cli");

export {};
