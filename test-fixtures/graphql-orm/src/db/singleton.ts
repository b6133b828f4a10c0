// Singletons kept across hot reloads, as Next.js and Remix apps keep their Prisma client: a generic cache whose type
// says it hands back what the factory makes (`remember<T>(…, make: () => T): T`), so `cachedPrisma` is a PrismaClient.
import { PrismaClient } from '@prisma/client';

declare global {
  var __singletons: Map<string, unknown> | undefined;
}

export function remember<T>(name: string, make: () => T): T {
  const cache = (globalThis.__singletons ??= new Map());
  if (!cache.has(name)) cache.set(name, make());
  return cache.get(name) as T;
}

export async function rememberAsync<T>(name: string, make: () => Promise<T>): Promise<T> {
  const cache = (globalThis.__singletons ??= new Map());
  if (!cache.has(name)) cache.set(name, await make());
  return cache.get(name) as T;
}

/** Not a pass-through: `T` is inferred from two arguments, and the result may be either of them. */
export function choose<T>(useFirst: boolean, first: T, second: T): T {
  return useFirst ? first : second;
}

export const cachedPrisma = remember('prisma', () => new PrismaClient());
