exports.up = function (knex) {
  return knex.schema
    .createTable('users', (t) => {
      t.increments('id');
      t.string('email').notNullable().unique();
      t.string('name');
      t.timestamps(true, true);
    })
    .createTable('orders', (t) => {
      t.increments();
      t.integer('user_id').references('users.id').onDelete('CASCADE');
      t.decimal('total', 10, 2);
      t.index(['user_id']); // ok: no-unsafe-migration -- orders is created in this migration
    });
};

exports.down = function (knex) {
  return knex.schema.dropTable('orders').dropTable('users');
};
