exports.up = (pgm) => {
  pgm.addColumns('orders', {
    status: { type: 'text', notNull: true }, // expect: no-unsafe-migration
  });
  pgm.createIndex('users', 'name'); // expect: no-unsafe-migration
  pgm.createIndex('orders', 'total', { concurrently: true }); // expect: no-unsafe-migration
};

exports.down = (pgm) => {
  pgm.dropColumns('orders', ['status']);
};
