import { Prisma } from '@prisma/client';
import { prisma } from '../db/prisma.js';

interface BooksArgs {
  titleContains?: string;
  sort?: string;
  genre?: string;
}

const SORTS: Record<string, Prisma.Sql> = {
  newest: Prisma.sql`published_at DESC`,
  title: Prisma.sql`title ASC`,
};

export const bookResolvers = {
  Query: {
    book: (_: unknown, args: { id: number }) => prisma.book.findUnique({ where: { id: args.id } }),

    booksByIds: (_: unknown, args: { ids: number[] }) =>
      Promise.all(args.ids.map((id) => prisma.book.findUnique({ where: { id } }))), // ok: no-query-in-loop -- Prisma batches findUnique calls made in the same tick

    booksByIsbn: (_: unknown, args: { isbns: string[] }) =>
      Promise.all(args.isbns.map((isbn) => prisma.book.findFirst({ where: { isbn } }))), // expect: no-query-in-loop

    search: (_: unknown, args: BooksArgs) =>
      prisma.$queryRaw`SELECT id, title FROM books WHERE title ILIKE ${'%' + (args.titleContains ?? '') + '%'} ORDER BY title`, // ok: no-sql-concatenation -- $queryRaw tag binds the interpolation

    searchUnsafe: (_: unknown, args: BooksArgs) =>
      prisma.$queryRawUnsafe(`SELECT id, title FROM books WHERE title ILIKE '%${args.titleContains}%'`), // expect: no-sql-concatenation

    searchUnsafeButBound: (_: unknown, args: BooksArgs) =>
      prisma.$queryRawUnsafe('SELECT id, title FROM books WHERE title ILIKE $1', `%${args.titleContains ?? ''}%`), // ok: no-sql-concatenation -- $1 with a value argument

    sorted: (_: unknown, args: BooksArgs) => {
      const order = SORTS[args.sort ?? ''] ?? SORTS.newest;
      return prisma.$queryRaw`SELECT id, title FROM books ORDER BY ${order}`; // ok: no-sql-concatenation -- fragment picked from a constant map
    },

    sortedUnsafe: (_: unknown, args: BooksArgs) =>
      prisma.$queryRaw`SELECT id, title FROM books ORDER BY ${Prisma.raw(`${args.sort ?? 'title'} ASC`)}`, // expect: no-sql-concatenation

    byGenres: (_: unknown, args: { genres: string[] }) =>
      prisma.$queryRaw`SELECT id, title FROM books WHERE genre IN (${Prisma.join(args.genres)})`, // ok: no-sql-concatenation -- Prisma.join binds each value
  },

  Mutation: {
    archiveGenre: async (_: unknown, args: { genre: string }) => {
      const count = await prisma.$executeRawUnsafe("UPDATE books SET archived = true WHERE genre = '" + args.genre + "'"); // expect: no-sql-concatenation
      return count;
    },

    restock: async (_: unknown, args: { items: Array<{ bookId: number; quantity: number }> }) => {
      for (const item of args.items) {
        await prisma.book.update({ where: { id: item.bookId }, data: { stock: { increment: item.quantity } } }); // expect: no-query-in-loop
      }
      return true;
    },

    restockInTransaction: async (_: unknown, args: { items: Array<{ bookId: number; quantity: number }> }) => {
      await prisma.$transaction(async (tx: Prisma.TransactionClient) => { // ok: no-unreleased-client -- interactive transaction closes itself
        for (const item of args.items) {
          await tx.book.update({ where: { id: item.bookId }, data: { stock: { increment: item.quantity } } }); // expect: no-query-in-loop
        }
      });
      return true;
    },

    retire: async (_: unknown, args: { ids: number[] }) => {
      await prisma.book.updateMany({ where: { id: { in: args.ids } }, data: { retired: true } }); // ok: no-query-in-loop -- one updateMany
      return true;
    },
  },
};

export async function authorsWithBooks(countries: string[]) {
  const authors = await prisma.author.findMany({ where: { country: { in: countries } } });
  return Promise.all(
    authors.map(async (a) => ({ ...a, books: await prisma.book.findMany({ where: { authorId: a.id } }) })), // expect: no-query-in-loop
  );
}

export async function authorsWithBooksIncluded(countries: string[]) {
  return prisma.author.findMany({ where: { country: { in: countries } }, include: { books: true } }); // ok: no-query-in-loop -- include loads the relation in batch
}

export async function booksInOrder(ids: number[]) {
  const books = [];
  for (const id of ids) {
    books.push(await prisma.book.findUnique({ where: { id } })); // expect: no-query-in-loop
  }
  return books;
}

export async function reviewCountsFor(bookIds: number[], minRating: number) {
  return prisma.$queryRawUnsafe(
    'SELECT book_id, count(*) FROM reviews WHERE book_id = ANY($1) AND rating >= ' + minRating + ' GROUP BY 1', // expect: no-sql-concatenation
    bookIds,
  );
}
