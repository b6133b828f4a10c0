import { Router } from 'express';
import { query } from '../db';
import { listProducts, searchProducts } from '../repositories/products';

export const productsRouter = Router();

productsRouter.get('/products', async (req, res) => {
  res.json(await listProducts(String(req.query.sort ?? 'name'), Number(req.query.page ?? 1)));
});

productsRouter.get('/products/search', async (req, res) => {
  res.json(await searchProducts(String(req.query.q ?? '')));
});

productsRouter.get('/products/low-stock', async (req, res) => {
  const rows = await query('SELECT id, sku, stock FROM products WHERE stock < 5 ORDER BY ' + req.query.sort); // expect: no-sql-concatenation
  res.json(rows);
});

productsRouter.put('/products/prices', async (req, res) => {
  const changes: Array<{ id: number; priceCents: number }> = req.body;
  await Promise.all(changes.map((c) => query('UPDATE products SET price_cents = $2 WHERE id = $1', [c.id, c.priceCents]))); // expect: no-query-in-loop
  res.sendStatus(204);
});

productsRouter.put('/v2/products/prices', async (req, res) => {
  const changes: Array<{ id: number; priceCents: number }> = req.body;
  await query( // ok: no-query-in-loop -- one UPDATE ... FROM unnest for every change
    'UPDATE products p SET price_cents = c.price FROM unnest($1::bigint[], $2::int[]) AS c(id, price) WHERE p.id = c.id',
    [changes.map((c) => c.id), changes.map((c) => c.priceCents)],
  );
  res.sendStatus(204);
});
