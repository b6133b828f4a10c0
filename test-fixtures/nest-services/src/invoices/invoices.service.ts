import { Injectable } from '@nestjs/common';
import { Op, QueryTypes, Sequelize, type Transaction } from 'sequelize';
import { Invoice, InvoiceLine, sequelize } from './sequelize';

const STATUS_ORDER = "CASE status WHEN 'overdue' THEN 0 WHEN 'open' THEN 1 ELSE 2 END";

@Injectable()
export class InvoicesService {
  async linesPerInvoice(customerId: number): Promise<Array<{ invoice: Invoice; lines: InvoiceLine[] }>> {
    const invoices = await Invoice.findAll({ where: { customerId } });
    const out = [];
    for (const invoice of invoices) {
      const lines = await InvoiceLine.findAll({ where: { invoiceId: invoice.id } }); // expect: no-query-in-loop
      out.push({ invoice, lines });
    }
    return out;
  }

  async linesPerInvoiceEager(customerId: number): Promise<Invoice[]> {
    return Invoice.findAll({ where: { customerId }, include: [{ model: InvoiceLine, as: 'lines' }] });
  }

  async openForCustomers(customerIds: number[]): Promise<Invoice[][]> {
    return Promise.all(customerIds.map((customerId) => Invoice.findAll({ where: { customerId, status: 'open' } }))); // expect: no-query-in-loop
  }

  async openForCustomersBatched(customerIds: number[]): Promise<Invoice[]> {
    return Invoice.findAll({ where: { customerId: { [Op.in]: customerIds }, status: 'open' } }); // ok: no-query-in-loop -- one IN query
  }

  async markPaid(invoiceIds: number[]): Promise<void> {
    await sequelize.transaction(async (t: Transaction) => { // ok: no-unreleased-client -- managed transaction, released by Sequelize
      for (const id of invoiceIds) {
        await Invoice.update({ status: 'paid' }, { where: { id }, transaction: t }); // expect: no-query-in-loop
      }
    });
  }

  async markPaidBatched(invoiceIds: number[]): Promise<void> {
    await Invoice.update({ status: 'paid' }, { where: { id: invoiceIds } }); // ok: no-query-in-loop -- one UPDATE with IN
  }

  async search(text: string): Promise<unknown[]> {
    return sequelize.query("SELECT id, status FROM invoices WHERE notes ILIKE '%" + text + "%'", { type: QueryTypes.SELECT }); // expect: no-sql-concatenation
  }

  async searchSafe(text: string): Promise<unknown[]> {
    return sequelize.query('SELECT id, status FROM invoices WHERE notes ILIKE :pattern', { // ok: no-sql-concatenation -- replacements
      replacements: { pattern: `%${text}%` },
      type: QueryTypes.SELECT,
    });
  }

  async byCustomerBind(customerId: number): Promise<unknown[]> {
    return sequelize.query('SELECT id FROM invoices WHERE customer_id = $1', { bind: [customerId], type: QueryTypes.SELECT }); // ok: no-sql-concatenation -- bind parameters
  }

  async sortedForCustomer(customerId: number): Promise<Invoice[]> {
    return Invoice.findAll({
      where: { customerId },
      order: [[Sequelize.literal(STATUS_ORDER), 'ASC']], // ok: no-sql-concatenation -- literal built from a constant
    });
  }

  async withLineCount(minAmount: number): Promise<Invoice[]> {
    return Invoice.findAll({
      attributes: {
        include: [[Sequelize.literal(`(SELECT count(*) FROM invoice_lines l WHERE l.invoice_id = "Invoice".id AND l.amount_cents > ${minAmount})`), 'lineCount']], // expect: no-sql-concatenation
      },
    });
  }

  async overdueSince(days: string): Promise<Invoice[]> {
    return Invoice.findAll({ where: Sequelize.literal('due_at < now() - interval \'' + days + ' days\'') }); // expect: no-sql-concatenation
  }

  async recalculateTotals(invoiceIds: number[]): Promise<void> {
    await sequelize.query(
      'UPDATE invoices i SET total_cents = s.total FROM (SELECT invoice_id, sum(amount_cents) AS total FROM invoice_lines WHERE invoice_id IN (:ids) GROUP BY 1) s WHERE s.invoice_id = i.id', // ok: no-sql-concatenation -- replacements expand the id list
      { replacements: { ids: invoiceIds } },
    );
  }
}
