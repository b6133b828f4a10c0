/**
 * One pass over an import graph, folded per strongly connected component.
 *
 * Questions like "can this file reach a database module?" or "what is the Merkle key of everything this file
 * imports?" depend on a file's whole import closure. Answering them file by file costs O(files × closure), and in a
 * React app closures are hundreds of files deep. Condensing the graph into its strongly connected components
 * (Tarjan's algorithm, iterative: no recursion, so a 100,000-deep import chain is fine) and folding each
 * component from the values of the components it imports answers them for every file in time linear in files +
 * imports. Components complete in reverse topological order: a component's imports are always folded before it.
 */
export function foldComponents<T>(
  roots: Iterable<string>,
  deps: (node: string) => readonly string[],
  /**
   * The value of one component: its members (sorted), the values of the components it imports (deduplicated),
   * and each member's imports as `deps` returned them (`deps` is called once per node).
   */
  fold: (members: readonly string[], imported: readonly T[], depsOf: (member: string) => readonly string[]) => T,
  /** A value already known for a node (its imports are then not visited). */
  known?: (node: string) => T | undefined,
): Map<string, T> {
  const index = new Map<string, number>();
  const low: number[] = [];
  const onStack: boolean[] = [];
  const depsAt: (readonly string[])[] = [];
  const depsOf = (node: string): readonly string[] => depsAt[index.get(node)!]!;
  const stack: string[] = [];
  const valueOf = new Map<string, T>();
  interface Frame { node: string; i: number; deps: readonly string[]; idx: number }
  const work: Frame[] = [];
  let next = 0;
  const isKnown = (node: string): boolean => {
    if (valueOf.has(node) && !index.has(node)) return true;
    if (!known) return false;
    const v = known(node);
    if (v === undefined) return false;
    valueOf.set(node, v);
    return true;
  };
  const visit = (node: string): void => {
    const idx = next++;
    index.set(node, idx);
    low[idx] = idx;
    onStack[idx] = true;
    stack.push(node);
    depsAt[idx] = deps(node);
    work.push({ node, i: 0, deps: depsAt[idx]!, idx });
  };
  for (const root of roots) {
    if (index.has(root) || isKnown(root)) continue;
    visit(root);
    while (work.length) {
      const frame = work[work.length - 1]!;
      if (frame.i < frame.deps.length) {
        const d = frame.deps[frame.i++]!;
        const di = index.get(d);
        if (di === undefined) {
          if (!isKnown(d)) visit(d);
        } else if (onStack[di] && di < low[frame.idx]!) low[frame.idx] = di;
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent && low[frame.idx]! < low[parent.idx]!) low[parent.idx] = low[frame.idx]!;
      if (low[frame.idx] !== frame.idx) continue;
      // frame.node is the root of a component: its members are on the stack above it.
      const members: string[] = [];
      let m: string;
      do {
        m = stack.pop()!;
        onStack[index.get(m)!] = false;
        members.push(m);
      } while (m !== frame.node);
      members.sort();
      const memberSet = members.length > 1 ? new Set(members) : undefined;
      const imported = new Set<T>();
      for (const member of members) {
        for (const d of depsOf(member)) {
          if (d === member || memberSet?.has(d)) continue;
          imported.add(valueOf.get(d)!); // completed earlier (reverse topological order) or known
        }
      }
      const value = fold(members, [...imported], depsOf);
      for (const member of members) valueOf.set(member, value);
    }
  }
  return valueOf;
}
