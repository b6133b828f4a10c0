import { findAuthor } from './repo';

export async function authorsOf(posts: { authorId: number }[]) {
  const authors = [];
  for (const post of posts) {
    authors.push(await findAuthor(post.authorId)); // expect: no-query-in-loop
  }
  return authors;
}
