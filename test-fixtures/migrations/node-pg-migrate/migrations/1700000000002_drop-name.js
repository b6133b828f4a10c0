exports.shorthands = undefined;

exports.up = (pgm) => { // expect: no-unsafe-migration
  pgm.dropColumns('users', ['name']); // expect: no-unsafe-migration
  pgm.sql(`
    ALTER TABLE orders ADD CONSTRAINT orders_total_pos CHECK (total > 0) NOT VALID;
    ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2); -- expect: no-unsafe-migration
  `);
  pgm.fancyNewHelper('orders');
};
