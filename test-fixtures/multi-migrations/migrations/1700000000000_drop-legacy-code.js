exports.up = (pgm) => {
  pgm.dropColumns('users', ['legacy_code']); // expect: no-unsafe-migration
  pgm.addColumns('orders', { shipped_at: { type: 'timestamptz' } });
};

exports.down = (pgm) => {
  pgm.dropColumns('orders', ['shipped_at']);
  pgm.addColumns('users', { legacy_code: { type: 'text' } });
};
