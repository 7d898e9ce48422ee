// Integration-test support: the cases the employees acceptance needs, written into both emulators through
// their control APIs (both sides written here in full: the default seeds pair everyone by e-mail and name).

type Json = Record<string, unknown>;

async function control(base: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${base}/__control/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`control ${path} → ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Json) : {};
}

type MangoEmployeeSeed = { extension: string; name?: string; email?: string; mobile?: string | null };
type MangoPbx = { id: string; employees: Array<Json & { extension: string; userId: number }> };

/** Edits (or, with `remove`, drops) employees of MANGO's demo PBX, keeping the rest of its state. */
export async function editMangoEmployees(
  mangoUrl: string,
  edits: MangoEmployeeSeed[],
  { remove = [] }: { remove?: string[] } = {},
) {
  const snapshot = (await control(mangoUrl, "state")) as Json & { pbxes: MangoPbx[] };
  const pbx = snapshot.pbxes.find((p) => p.id === "demo")!;
  pbx.employees = pbx.employees.filter((e) => !remove.includes(e.extension));
  for (const edit of edits) {
    const e = pbx.employees.find((x) => x.extension === edit.extension);
    if (!e) throw new Error(`no MANGO employee ${edit.extension}`);
    Object.assign(e, edit);
  }
  await control(mangoUrl, "load", { snapshot });
}

type AmoUserSeed = { id: number; name?: string; email?: string; is_active?: boolean };

/** Edits or adds users of amoCRM's demo account; the rest of the state (tokens included) is kept. */
export async function editAmocrmUsers(amoUrl: string, edits: AmoUserSeed[]) {
  const state = (await control(amoUrl, "state")) as Json & {
    accounts: Record<string, { users: Array<Json & { id: number }> }>;
  };
  const users = state.accounts.demo!.users;
  for (const edit of edits) {
    const u = users.find((x) => x.id === edit.id);
    if (u) Object.assign(u, edit);
    else
      users.push({
        lang: "ru",
        is_admin: false,
        is_active: true,
        group_id: 0,
        role_id: null,
        email: `user${edit.id}@demo.example`,
        name: `User ${edit.id}`,
        ...edit,
      });
  }
  await control(amoUrl, "seed", { state });
}

/**
 * The acceptance world. MANGO (Фамилия Имя Отчество) against amoCRM (Имя Фамилия):
 * - 101 Иванов Иван Петрович ↔ 8238874 by e-mail written in another case;
 * - 102 Петрова Анна Сергеевна ↔ 32321 "Анна Петрова" by name (swapped order, patronymic dropped);
 * - 103 "Сёмин Олег Викторович" ↔ 2004184 "Олег Семин" by name (ё/е, swapped), no mobile in MANGO;
 * - 105 Смирнов Дмитрий Алексеевич: two amoCRM users "Дмитрий Смирнов" and "Смирнов Дмитрий" — a conflict;
 * - 104 Кузнецова Мария Игоревна has no automatic partner: paired by hand in the tests.
 */
export const WORLD = {
  byEmail: { extension: "101", amoUserId: 8238874 },
  byName: { extension: "102", amoUserId: 32321 },
  byNameYo: { extension: "103", amoUserId: 2004184 },
  conflict: { extension: "105", amoUserIds: [47272, 7000001] },
  manual: { extension: "104", amoUserId: 504141 },
} as const;

export async function seedEmployeeWorld(mangoUrl: string, amoUrl: string) {
  await editMangoEmployees(mangoUrl, [
    { extension: "101", name: "Иванов Иван Петрович", email: "ivanov@amango-demo.ru" },
    { extension: "102", name: "Петрова Анна Сергеевна", email: "petrova@amango-demo.ru" },
    { extension: "103", name: "Сёмин Олег Викторович", email: "semin@amango-demo.ru", mobile: null },
    { extension: "104", name: "Кузнецова Мария Игоревна", email: "kuznetsova@amango-demo.ru" },
    { extension: "105", name: "Смирнов Дмитрий Алексеевич", email: "smirnov@amango-demo.ru" },
  ]);
  await editAmocrmUsers(amoUrl, [
    { id: 8238874, email: "IVANOV@Amango-Demo.ru" },
    { id: 32321, name: "Анна Петрова", email: "anna.p@demo.example" },
    { id: 2004184, name: "Олег  Семин", email: "semin@demo.example" },
    { id: 47272, name: "Дмитрий Смирнов", email: "d.smirnov@demo.example" },
    { id: 7000001, name: "Смирнов Дмитрий", email: "smirnov.d@demo.example" },
  ]);
}
