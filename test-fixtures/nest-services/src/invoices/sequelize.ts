import { DataTypes, Model, Sequelize, type InferAttributes, type InferCreationAttributes, type CreationOptional } from 'sequelize';

export const sequelize = new Sequelize(process.env.DATABASE_URL ?? 'postgres://localhost/billing', {
  dialect: 'postgres',
  logging: false,
  pool: { max: 10, idle: 10_000 },
});

export class Invoice extends Model<InferAttributes<Invoice>, InferCreationAttributes<Invoice>> {
  declare id: CreationOptional<number>;
  declare customerId: number;
  declare status: string;
  declare totalCents: number;
}

export class InvoiceLine extends Model<InferAttributes<InvoiceLine>, InferCreationAttributes<InvoiceLine>> {
  declare id: CreationOptional<number>;
  declare invoiceId: number;
  declare description: string;
  declare amountCents: number;
}

Invoice.init(
  {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    customerId: { type: DataTypes.INTEGER, field: 'customer_id' },
    status: DataTypes.STRING,
    totalCents: { type: DataTypes.INTEGER, field: 'total_cents' },
  },
  { sequelize, tableName: 'invoices' },
);

InvoiceLine.init(
  {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    invoiceId: { type: DataTypes.INTEGER, field: 'invoice_id' },
    description: DataTypes.TEXT,
    amountCents: { type: DataTypes.INTEGER, field: 'amount_cents' },
  },
  { sequelize, tableName: 'invoice_lines' },
);

Invoice.hasMany(InvoiceLine, { foreignKey: 'invoiceId', as: 'lines' });
