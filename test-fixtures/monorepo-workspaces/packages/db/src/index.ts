// The package's manifest names its build output (dist/index.js): pglint follows the source it is built from.
import { Pool } from 'pg';

export const pool = new Pool({ max: 10 });
