import { Router } from 'express';
import { cancelOrder, itemsForOrder, itemsForOrders, ordersForCustomer, placeOrder, type OrderItem } from '../repositories/orders';

export const ordersRouter = Router();

/* GET /customers/:id/orders — every order with its items. */
ordersRouter.get('/customers/:id/orders', async (req, res) => {
  const orders = await ordersForCustomer(Number(req.params.id));
  const result = [];
  for (const order of orders) {
    const items = await itemsForOrder(order.id); // expect: no-query-in-loop
    result.push({ ...order, items });
  }
  res.json(result);
});

/* The same endpoint in two queries, whatever the number of orders. */
ordersRouter.get('/v2/customers/:id/orders', async (req, res) => {
  const orders = await ordersForCustomer(Number(req.params.id));
  const items = await itemsForOrders(orders.map((o) => o.id)); // ok: no-query-in-loop -- one = ANY($1) query for all orders
  const byOrder = new Map<number, OrderItem[]>();
  for (const item of items) {
    byOrder.set(item.orderId, [...(byOrder.get(item.orderId) ?? []), item]);
  }
  res.json(orders.map((o) => ({ ...o, items: byOrder.get(o.id) ?? [] })));
});

ordersRouter.post('/orders', async (req, res) => {
  const id = await placeOrder(Number(req.body.customerId), req.body.lines);
  res.status(201).json({ id });
});

ordersRouter.post('/orders/:id/cancel', async (req, res) => {
  await cancelOrder(Number(req.params.id));
  res.sendStatus(204);
});
