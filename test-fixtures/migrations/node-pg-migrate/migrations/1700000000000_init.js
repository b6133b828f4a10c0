/* eslint-disable */
exports.up = (pgm) => {
  pgm.createTable('users', {
    id: 'id',
    email: { type: 'text', notNull: true, unique: true },
    name: { type: 'varchar(100)' },
    created_at: { type: 'timestamptz', notNull: true, default: pgm.func('current_timestamp') },
  });
  pgm.createTable('orders', {
    id: 'id',
    user_id: { type: 'integer', notNull: true, references: 'users', onDelete: 'CASCADE' },
    total: { type: 'numeric(10,2)' },
  });
  pgm.createIndex('orders', 'user_id'); // ok: no-unsafe-migration -- orders is created in this migration
};
