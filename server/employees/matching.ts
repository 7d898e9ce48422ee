import { emailKey, mobileKey, namesMatch } from "./normalize";

export const MATCH_REASONS = ["email", "name", "mobile"] as const;
export type MatchReason = (typeof MATCH_REASONS)[number];

export type MatchEmployee = { id: string; name: string; email: string | null; mobile: string | null };
/** amoCRM's users API has no phone; `mobile` is there for a directory that has one. */
export type MatchUser = { amoUserId: number; name: string; email: string | null; mobile?: string | null };

export type Proposal = { employeeId: string; amoUserId: number; reason: MatchReason };
export type Conflict = { reason: MatchReason; employeeIds: string[]; amoUserIds: number[] };
export type MatchResult = { proposals: Proposal[]; conflicts: Conflict[] };

const sameKey =
  <T>(key: (v: T) => string | null) =>
  (a: T, b: T) => {
    const k = key(a);
    return k !== null && k === key(b);
  };

const MATCHERS: Record<MatchReason, (e: MatchEmployee, u: MatchUser) => boolean> = {
  email: (e, u) => sameKey(emailKey)(e.email, u.email),
  name: (e, u) => namesMatch(e.name, u.name),
  mobile: (e, u) => sameKey(mobileKey)(e.mobile, u.mobile ?? null),
};

/**
 * Proposes pairs between employees and users that are both still free (the caller leaves linked ones out).
 * Stages run in order of trust — e-mail, then name, then mobile — and each stage only sees what the earlier
 * ones left. Within a stage the candidate pairs form a graph; a component of exactly one employee and one
 * user is a proposal, anything larger (two candidates for one employee, one user claimed by two) is a
 * conflict that is reported with everyone in it and kept out of the later stages: shown, never guessed.
 */
export function proposeMatches(employees: MatchEmployee[], users: MatchUser[]): MatchResult {
  const result: MatchResult = { proposals: [], conflicts: [] };
  let freeEmployees = employees;
  let freeUsers = users;
  for (const reason of MATCH_REASONS) {
    const matches = MATCHERS[reason];
    const components = componentsOf(freeEmployees, freeUsers, matches);
    const settledEmployees = new Set<string>();
    const settledUsers = new Set<number>();
    for (const c of components) {
      for (const id of c.employeeIds) settledEmployees.add(id);
      for (const id of c.amoUserIds) settledUsers.add(id);
      if (c.employeeIds.length === 1 && c.amoUserIds.length === 1)
        result.proposals.push({ employeeId: c.employeeIds[0]!, amoUserId: c.amoUserIds[0]!, reason });
      else result.conflicts.push({ reason, ...c });
    }
    freeEmployees = freeEmployees.filter((e) => !settledEmployees.has(e.id));
    freeUsers = freeUsers.filter((u) => !settledUsers.has(u.amoUserId));
  }
  return result;
}

/** Connected components (with at least one edge) of the bipartite "could be the same person" graph. */
function componentsOf(
  employees: MatchEmployee[],
  users: MatchUser[],
  matches: (e: MatchEmployee, u: MatchUser) => boolean,
): Array<{ employeeIds: string[]; amoUserIds: number[] }> {
  // Union-find over employees (index i) and users (index employees.length + j).
  const parent = Array.from({ length: employees.length + users.length }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const linked = new Set<number>();
  employees.forEach((e, i) => {
    users.forEach((u, j) => {
      if (!matches(e, u)) return;
      const k = employees.length + j;
      parent[find(i)] = find(k);
      linked.add(i).add(k);
    });
  });
  const groups = new Map<number, { employeeIds: string[]; amoUserIds: number[] }>();
  for (const i of [...linked].sort((a, b) => a - b)) {
    const root = find(i);
    const g = groups.get(root) ?? { employeeIds: [], amoUserIds: [] };
    if (i < employees.length) g.employeeIds.push(employees[i]!.id);
    else g.amoUserIds.push(users[i - employees.length]!.amoUserId);
    groups.set(root, g);
  }
  return [...groups.values()];
}
