import pg from 'pg';

const reportingPool = new pg.Pool({ connectionString: process.env.REPORTING_DATABASE_URL, max: 2 });

export interface DailyRow {
  day: string;
  revenue: number;
}

export async function dailyRevenue(days: number): Promise<DailyRow[]> {
  const { rows } = await reportingPool.query<DailyRow>( // ok: no-unreleased-client -- pool.query
    `SELECT placed_at::date AS day, sum(total_cents) AS revenue FROM orders WHERE placed_at > now() - interval '${days} days' GROUP BY 1`, // expect: no-sql-concatenation
  );
  return rows;
}

export async function dailyRevenueSafe(days: number): Promise<DailyRow[]> {
  const { rows } = await reportingPool.query<DailyRow>(
    "SELECT placed_at::date AS day, sum(total_cents) AS revenue FROM orders WHERE placed_at > now() - make_interval(days => $1) GROUP BY 1", // ok: no-sql-concatenation -- make_interval with a parameter
    [days],
  );
  return rows;
}

export async function refreshRollups(): Promise<void> {
  const client = await reportingPool.connect(); // expect: no-unreleased-client
  try {
    await client.query('REFRESH MATERIALIZED VIEW CONCURRENTLY daily_revenue');
    await client.query('REFRESH MATERIALIZED VIEW CONCURRENTLY weekly_revenue');
  } catch (err) {
    console.error('rollup refresh failed', err);
  }
}

export async function refreshRollupsProperly(): Promise<void> {
  const client = await reportingPool.connect(); // ok: no-unreleased-client -- released in finally
  try {
    for (const view of ['daily_revenue', 'weekly_revenue', 'monthly_revenue']) {
      await client.query(`REFRESH MATERIALIZED VIEW CONCURRENTLY ${view}`); // ok: no-query-in-loop -- loop over a literal list of constant view names
    }
  } finally {
    client.release(true);
  }
}

export function streamRevenue(onRow: (row: DailyRow) => void): Promise<void> {
  return reportingPool.connect().then((client) => // expect: no-unreleased-client
    client.query<DailyRow>('SELECT placed_at::date AS day, sum(total_cents) AS revenue FROM orders GROUP BY 1').then((result) => {
      result.rows.forEach(onRow);
      client.release();
    }),
  );
}
