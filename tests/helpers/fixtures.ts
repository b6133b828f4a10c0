/** Reads `// expect: <rule-id>` and `// ok: <rule-id> -- reason` markers from fixture files. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Project } from '../../rules/src/engine/project';
import { discoverFiles } from '../../rules/src/engine/discover';
import { LineIndex } from '../../rules/src/engine/text';
import type { Finding } from '../../rules/src/engine/types';

export interface Marker {
  file: string;
  line: number; // 1-based
  expect: string[];
  ok: string[];
}

const MARKER_RE = /(?:\/\/|--)\s*(expect|ok):\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/g;

export function readMarkers(file: string, text: string): Marker[] {
  const out: Marker[] = [];
  text.split(/\r?\n/).forEach((lineText, i) => {
    const m: Marker = { file, line: i + 1, expect: [], ok: [] };
    for (const hit of lineText.matchAll(MARKER_RE)) {
      const ids = hit[2]!.split(',').map((s) => s.trim()).filter(Boolean);
      if (hit[1] === 'expect') m.expect.push(...ids);
      else m.ok.push(...ids);
    }
    if (m.expect.length || m.ok.length) out.push(m);
  });
  return out;
}

export interface FixtureRun {
  project: Project;
  files: string[];
  findings: Finding[];
  /** "file:line rule" keys found and expected. */
  found: Set<string>;
  expected: Set<string>;
  okSites: Marker[];
}

export function key(file: string, line: number, rule: string): string {
  return `${file}:${line} ${rule}`;
}

/** Lints a fixture project and returns what was found against what its markers expect, restricted to `ruleIds`. */
export function runFixtureProject(root: string, ruleIds: readonly string[]): FixtureRun {
  const project = new Project({ root });
  const { files } = discoverFiles(root, [root], []);
  const found = new Set<string>();
  const expected = new Set<string>();
  const okSites: Marker[] = [];
  const findings: Finding[] = [];
  for (const file of files.filter((f) => !f.endsWith('.sql'))) {
    const rel = path.relative(root, file);
    const text = fs.readFileSync(file, 'utf8');
    const lines = new LineIndex(text);
    for (const m of readMarkers(rel, text)) {
      for (const id of m.expect) if (ruleIds.includes(id)) expected.add(key(rel, m.line, id));
      if (m.ok.some((id) => ruleIds.includes(id))) okSites.push(m);
    }
    const res = project.lintFile(file);
    if (res.errors?.length) throw new Error(res.errors.join('\n'));
    for (const f of res.findings) {
      if (!ruleIds.includes(f.ruleId)) continue;
      findings.push(f);
      found.add(key(rel, lines.position(f.start).line + 1, f.ruleId));
    }
  }
  return { project, files, findings, found, expected, okSites };
}
