exports.up = async function (knex) { // expect: no-unsafe-migration
  await knex.schema.alterTable('orders', (t) => {
    t.string('currency', 3).notNullable(); // expect: no-unsafe-migration
    t.string('note');
  });
  await knex.schema.renameTable('orders', 'purchases'); // expect: no-unsafe-migration
  await knex.raw('CREATE INDEX users_name_idx ON users (name)'); // expect: no-unsafe-migration
  await knex('users').update({ name: 'x' });
};
