import { emailKey, mobileKey } from "./normalize";
import { MIN_NAME_CONFIDENCE, nameSimilarity } from "./similarity";

export const MATCH_REASONS = ["email", "name", "mobile"] as const;
export type MatchReason = (typeof MATCH_REASONS)[number];

export type MatchEmployee = { id: string; name: string; email: string | null; mobile: string | null };
/** amoCRM's users API has no phone; `mobile` is there for a directory that has one. */
export type MatchUser = { amoUserId: number; name: string; email: string | null; mobile?: string | null };

/** `confidence`: 1 for the same e-mail or mobile; for names, how close they are (./similarity.ts). */
export type Proposal = { employeeId: string; amoUserId: number; reason: MatchReason; confidence: number };
export type Conflict = { reason: MatchReason; employeeIds: string[]; amoUserIds: number[] };
export type MatchResult = { proposals: Proposal[]; conflicts: Conflict[] };

const sameKey =
  <T>(key: (v: T) => string | null) =>
  (a: T, b: T) => {
    const k = key(a);
    return k !== null && k === key(b) ? 1 : 0;
  };

/** How sure each stage is that the two are the same person; 0 = not a candidate. */
const MATCHERS: Record<MatchReason, (e: MatchEmployee, u: MatchUser) => number> = {
  email: (e, u) => sameKey(emailKey)(e.email, u.email),
  name: (e, u) => {
    const score = nameSimilarity(e.name, u.name);
    return score >= MIN_NAME_CONFIDENCE ? score : 0;
  },
  mobile: (e, u) => sameKey(mobileKey)(e.mobile, u.mobile ?? null),
};

/**
 * Proposes pairs between employees and users that are both still free (the caller leaves linked ones out).
 * Stages run in order of trust — e-mail, then name, then mobile — and each stage only sees what the earlier
 * ones left. Within a stage the candidate pairs form a graph; a component of exactly one employee and one
 * user is a proposal (with the stage's confidence), anything larger (two candidates for one employee, one user claimed by two) is a
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
        result.proposals.push({
          employeeId: c.employeeIds[0]!,
          amoUserId: c.amoUserIds[0]!,
          reason,
          confidence: c.score,
        });
      else result.conflicts.push({ reason, employeeIds: c.employeeIds, amoUserIds: c.amoUserIds });
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
  matches: (e: MatchEmployee, u: MatchUser) => number,
): Array<{ employeeIds: string[]; amoUserIds: number[]; score: number }> {
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
  /** The lowest edge score per component root, after all unions (a single-edge component has one). */
  const edges: Array<[number, number]> = [];
  employees.forEach((e, i) => {
    users.forEach((u, j) => {
      const score = matches(e, u);
      if (score <= 0) return;
      const k = employees.length + j;
      parent[find(i)] = find(k);
      linked.add(i).add(k);
      edges.push([i, score]);
    });
  });
  const scoreOf = new Map<number, number>();
  for (const [i, score] of edges) {
    const root = find(i);
    scoreOf.set(root, Math.min(scoreOf.get(root) ?? 1, score));
  }
  const groups = new Map<number, { employeeIds: string[]; amoUserIds: number[]; score: number }>();
  for (const i of [...linked].sort((a, b) => a - b)) {
    const root = find(i);
    const g = groups.get(root) ?? { employeeIds: [], amoUserIds: [], score: scoreOf.get(root) ?? 1 };
    if (i < employees.length) g.employeeIds.push(employees[i]!.id);
    else g.amoUserIds.push(users[i - employees.length]!.amoUserId);
    groups.set(root, g);
  }
  return [...groups.values()];
}
