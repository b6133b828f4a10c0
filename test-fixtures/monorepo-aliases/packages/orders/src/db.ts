import { Pool } from 'pg';

export const ordersPool = new Pool({ connectionString: process.env.ORDERS_DATABASE_URL });
