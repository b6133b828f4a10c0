import { findItems, findOrdersByCustomer, type Order, type OrderItem } from '../repositories/order-repository';
import { userRepository } from '../repositories/user-repository';

export interface CustomerSummary {
  customerId: number;
  orderCount: number;
  lifetimeCents: number;
}

export interface OrderWithItems extends Order {
  items: OrderItem[];
}

/** One customer's summary: two queries through the repositories, no loop. */
export async function getCustomerSummary(customerId: number): Promise<CustomerSummary | null> {
  const user = await userRepository.findById(customerId);
  if (!user) return null;
  const orders = await findOrdersByCustomer(customerId);
  return {
    customerId,
    orderCount: orders.length,
    lifetimeCents: orders.reduce((sum, o) => sum + o.totalCents, 0), // ok: no-query-in-loop -- reduce over rows already loaded, no query
  };
}

export async function getOrdersWithItems(customerId: number): Promise<OrderWithItems[]> {
  const orders = await findOrdersByCustomer(customerId);
  const result: OrderWithItems[] = [];
  for (const order of orders) {
    const items = await findItems(order.id); // expect: no-query-in-loop
    result.push({ ...order, items });
  }
  return result;
}

export function formatTotals(orders: Order[]): string[] {
  return orders.map((o) => `${o.id}: ${(o.totalCents / 100).toFixed(2)} EUR`); // ok: no-query-in-loop -- pure formatting callback
}
