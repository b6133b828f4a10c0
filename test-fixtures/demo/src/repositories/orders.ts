import { pool, query, withTransaction } from '../db';

export interface OrderItem {
  orderId: number;
  productId: number;
  quantity: number;
  priceCents: number;
}

export interface Order {
  id: number;
  customerId: number;
  status: string;
  totalCents: number;
  placedAt: Date;
}

export interface NewOrderLine {
  productId: number;
  quantity: number;
}

export async function ordersForCustomer(customerId: number): Promise<Order[]> {
  return query<Order>(
    'SELECT id, customer_id AS "customerId", status, total_cents AS "totalCents", placed_at AS "placedAt" FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC',
    [customerId],
  );
}

export async function itemsForOrder(orderId: number): Promise<OrderItem[]> {
  return query<OrderItem>(
    'SELECT order_id AS "orderId", product_id AS "productId", quantity, price_cents AS "priceCents" FROM order_items WHERE order_id = $1',
    [orderId],
  );
}

export async function itemsForOrders(orderIds: number[]): Promise<OrderItem[]> {
  return query<OrderItem>(
    'SELECT order_id AS "orderId", product_id AS "productId", quantity, price_cents AS "priceCents" FROM order_items WHERE order_id = ANY($1::bigint[])',
    [orderIds],
  );
}

/** Places an order: prices come from the database, stock is decremented in the same transaction. */
export async function placeOrder(customerId: number, lines: NewOrderLine[]): Promise<number> {
  return withTransaction(async (client) => { // ok: no-unreleased-client -- withTransaction releases in finally
    const { rows } = await client.query<{ id: number }>(
      `WITH wanted AS (SELECT * FROM unnest($2::bigint[], $3::int[]) AS w(product_id, quantity)),
            priced AS (
              UPDATE products p SET stock = p.stock - w.quantity FROM wanted w
               WHERE p.id = w.product_id AND p.stock >= w.quantity
           RETURNING p.id AS product_id, w.quantity, p.price_cents)
       INSERT INTO orders (customer_id, total_cents)
       SELECT $1, sum(quantity * price_cents) FROM priced
       RETURNING id`,
      [customerId, lines.map((l) => l.productId), lines.map((l) => l.quantity)],
    );
    return rows[0].id;
  });
}

/** Cancels an order and puts its items back in stock. */
export async function cancelOrder(orderId: number): Promise<void> {
  const client = await pool.connect(); // expect: no-unreleased-client
  await client.query('BEGIN');
  try {
    await client.query("UPDATE orders SET status = 'cancelled' WHERE id = $1 AND status = 'placed'", [orderId]);
    await client.query(
      'UPDATE products p SET stock = p.stock + i.quantity FROM order_items i WHERE i.order_id = $1 AND i.product_id = p.id',
      [orderId],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}
