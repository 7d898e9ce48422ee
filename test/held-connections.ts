// Proving that no transaction or advisory lock is held across a call to amoCRM or MANGO: hold every outgoing
// request at a gate, then look at what the test database's sessions hold while they wait.
import pg from "pg";
import { ADMIN_URL } from "./db";

/** A fetch (or any async call) that waits until `open()`; `waiting()` counts the calls that reached it. */
export function httpGate() {
  let waiting = 0;
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  const hold = async <T>(call: () => Promise<T>): Promise<T> => {
    waiting++;
    await opened;
    return call();
  };
  return {
    fetch: ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
      hold(() => fetch(input, init))) as typeof fetch,
    hold,
    waiting: () => waiting,
    open: () => open(),
  };
}

/**
 * What the sessions of database `name` hold now: how many sit in an open transaction between statements
 * (`idle in transaction`: the code awaits something else, e.g. an HTTP answer, with the transaction open) and
 * how many advisory locks are taken. Asked over a connection of its own to the admin database.
 */
export async function heldByDatabase(
  name: string,
): Promise<{ inTransaction: number; advisoryLocks: number }> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const tx = await admin.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
       where datname = $1 and state like 'idle in transaction%'`,
      [name],
    );
    const locks = await admin.query<{ n: number }>(
      `select count(*)::int as n from pg_locks l join pg_stat_activity a on a.pid = l.pid
       where a.datname = $1 and l.locktype = 'advisory'`,
      [name],
    );
    return { inTransaction: tx.rows[0]!.n, advisoryLocks: locks.rows[0]!.n };
  } finally {
    await admin.end();
  }
}
