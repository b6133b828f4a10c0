import { createPool, createSqlTag } from 'slonik';
import { z } from 'zod';

export const sql = createSqlTag({
  typeAliases: {
    payment: z.object({ id: z.number(), amount_cents: z.number(), status: z.string() }),
    id: z.object({ id: z.number() }),
  },
});

export const slonikPool = await createPool(process.env.DATABASE_URL ?? 'postgres://localhost/payments');
