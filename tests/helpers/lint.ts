/** Lints code given as text, in a throw-away in-memory project (no disk access). */
import * as path from 'node:path';
import { Project } from '../../rules/src/engine/project';
import type { Finding } from '../../rules/src/engine/types';
import type { ResolvedConfig } from '../../rules/src/config-types';

export const VIRTUAL_ROOT = path.resolve('/virtual-project');

export function projectOf(files: Record<string, string>, config?: ResolvedConfig): Project {
  const abs = new Map(Object.entries(files).map(([k, v]) => [path.join(VIRTUAL_ROOT, k), v]));
  return new Project({ root: VIRTUAL_ROOT, config, readFile: (p) => abs.get(p) });
}

export function lintText(code: string, fileName = 'example.ts', others: Record<string, string> = {}): Finding[] {
  const project = projectOf({ [fileName]: code, ...others });
  const res = project.lintFile(path.join(VIRTUAL_ROOT, fileName));
  if (res.errors?.length) throw new Error(res.errors.join('\n'));
  return res.findings;
}
