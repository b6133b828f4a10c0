import { query } from '../db';

export interface Product {
  id: number;
  sku: string;
  name: string;
  priceCents: number;
  stock: number;
}

const COLUMNS = 'id, sku, name, price_cents AS "priceCents", stock';

const SORTS: Record<string, string> = {
  name: 'name ASC',
  cheapest: 'price_cents ASC',
  newest: 'created_at DESC',
};

export async function findProductsByIds(ids: number[]): Promise<Product[]> {
  return query<Product>(`SELECT ${COLUMNS} FROM products WHERE id = ANY($1::bigint[])`, [ids]); // ok: no-sql-concatenation -- constant column list, ids bound as $1
}

export async function listProducts(sort: string, page: number): Promise<Product[]> {
  const orderBy = SORTS[sort] ?? SORTS.name;
  const offset = (Math.max(1, Math.floor(Number(page) || 1)) - 1) * 20;
  return query<Product>(`SELECT ${COLUMNS} FROM products ORDER BY ${orderBy} LIMIT 20 OFFSET $1`, [offset]); // ok: no-sql-concatenation -- sort picked from a constant map
}

export async function searchProducts(term: string): Promise<Product[]> {
  return query<Product>(`SELECT ${COLUMNS} FROM products WHERE name ILIKE '%${term}%' ORDER BY name`); // expect: no-sql-concatenation
}

export async function searchProductsSafely(term: string): Promise<Product[]> {
  return query<Product>(`SELECT ${COLUMNS} FROM products WHERE name ILIKE '%' || $1 || '%' ORDER BY name`, [term]); // ok: no-sql-concatenation -- the term is bound as $1
}
