/**
 * SARIF 2.1.0, shaped for GitHub code scanning: rule metadata with help and a link to the course section,
 * results with regions, related locations and line-hash fingerprints, file URIs relative to %SRCROOT%.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chapterUrl } from '../../rules/src/chapters';
import { lineHash } from '../../rules/src/engine/baseline';
import type { Rule } from '../../rules/src/engine/rule';
import { PSEUDO_RULES } from '../pseudo-rules';
import { sortFindings, TextCache, type LintReport } from '../report';
import { ruleMarkdown } from '../../rules/src/docs';

const INFORMATION_URI = 'https://github.com/NDXDeveloper/formation-postgresql-18';

/** GitHub code scanning reads `security-severity` and the `security` tag to file a result as a security alert. */
const SECURITY: Record<string, { severity: string; tags: string[] }> = {
  'no-sql-concatenation': { severity: '8.8', tags: ['security', 'external/cwe/cwe-089'] },
};

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: 'warning' | 'error' };
  properties: Record<string, unknown>;
}

export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function ruleDescriptor(rule: Rule, report: LintReport): SarifRule {
  const meta = rule.meta;
  const docs = meta.docs[report.language] ?? meta.docs.en;
  const chapters = meta.chapters.map((c) => `- ${c}: ${chapterUrl(c, report.docsBaseUrl)}`);
  const chapterLinks = meta.chapters.map((c) => `- [${c}](${chapterUrl(c, report.docsBaseUrl)})`);
  const security = SECURITY[meta.id];
  return {
    id: meta.id,
    name: pascalCase(meta.id),
    shortDescription: { text: meta.description[report.language] ?? meta.description.en },
    fullDescription: { text: docs.summary },
    help: {
      text: [docs.summary, '', docs.why, '', docs.fix, '', ...chapters].join('\n'),
      markdown: ruleMarkdown(rule, report.language, report.docsBaseUrl),
    },
    ...(meta.chapters.length ? { helpUri: chapterUrl(meta.chapters[0]!, report.docsBaseUrl) } : {}),
    defaultConfiguration: { level: meta.defaultSeverity === 'error' ? 'error' : 'warning' },
    properties: {
      tags: ['postgresql', ...(security?.tags ?? [])],
      precision: 'high',
      ...(security ? { 'security-severity': security.severity } : {}),
    },
  };
}

function pseudoDescriptor(id: string): SarifRule {
  const p = PSEUDO_RULES[id] ?? { description: id, level: 'warning' as const };
  return {
    id,
    name: pascalCase(id),
    shortDescription: { text: p.description },
    fullDescription: { text: p.description },
    help: { text: p.description, markdown: p.description },
    defaultConfiguration: { level: p.level },
    properties: { tags: ['pglint'] },
  };
}

export function formatSarif(report: LintReport): string {
  const cache = new TextCache(report.files);
  const ruleIds = Object.keys(report.rules).sort();
  for (const f of report.files) {
    for (const finding of f.findings) if (!ruleIds.includes(finding.ruleId)) ruleIds.push(finding.ruleId);
  }
  const rules = ruleIds.map((id) => (report.rules[id] ? ruleDescriptor(report.rules[id]!, report) : pseudoDescriptor(id)));
  const artifactLocation = (file: string): { uri: string; uriBaseId?: string } => {
    const rel = path.relative(report.root, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return { uri: pathToFileURL(file).href };
    return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  };
  const physical = (file: string, start: number, end: number) => {
    const r = cache.range(file, start, end);
    return {
      artifactLocation: artifactLocation(file),
      region: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn },
    };
  };
  const results = [];
  for (const file of report.files) {
    if (!file.findings.length) continue; // its text is not needed (and may be a read)
    const occurrences = new Map<string, number>();
    const index = cache.index(file.file);
    for (const f of sortFindings(file.findings)) {
      const hash = lineHash(index.lineText(index.position(f.start).line));
      const key = `${f.ruleId}:${hash}`;
      const n = (occurrences.get(key) ?? 0) + 1;
      occurrences.set(key, n);
      results.push({
        ruleId: f.ruleId,
        ruleIndex: ruleIds.indexOf(f.ruleId),
        level: f.severity === 'error' ? 'error' : 'warning',
        message: { text: f.message },
        locations: [{ physicalLocation: physical(file.file, f.start, f.end) }],
        ...(f.related?.length
          ? {
              relatedLocations: f.related.map((rel, i) => ({
                id: i + 1,
                physicalLocation: physical(rel.file, rel.start, rel.end),
                message: { text: rel.message },
              })),
            }
          : {}),
        partialFingerprints: { primaryLocationLineHash: `${hash}:${n}` },
      });
    }
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pglint',
            version: report.version,
            semanticVersion: report.version,
            informationUri: INFORMATION_URI,
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: `${pathToFileURL(report.root).href.replace(/\/?$/, '/')}` } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
