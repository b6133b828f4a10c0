/**
 * Node's internal bindings (`process.binding`), for the two places where the CLI's replayed run is measured in
 * milliseconds: the stat binding (cli/replay.ts) and the terminal check (cli/main.ts). An internal interface, read
 * only where it cannot print a deprecation warning (`--pending-deprecation`, and `--throw-deprecation` would throw):
 * undefined then, or when the binding is missing, and the caller uses the public module instead.
 */
export function nodeBinding<T extends object>(name: string): Partial<T> | undefined {
  const flags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  if (flags.includes('deprecation') || typeof (process as { binding?: unknown }).binding !== 'function') return undefined;
  try {
    return (process as unknown as { binding(name: string): Partial<T> | undefined }).binding(name) ?? undefined;
  } catch {
    return undefined;
  }
}
