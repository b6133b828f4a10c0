/** `--explain <rule>`: the rule's docs from its metadata, in English or French, with links to the course. */
import { CHAPTERS, chapterUrl } from '../rules/src/chapters';
import type { Rule } from '../rules/src/engine/rule';
import type { Language } from '../rules/src/engine/types';

const HEADINGS: Record<Language, { why: string; bad: string; good: string; fix: string; course: string; severity: string }> = {
  en: { why: 'Why it matters', bad: 'Reported', good: 'Preferred', fix: 'The fix', course: 'Course sections', severity: 'default severity' },
  fr: { why: 'Pourquoi', bad: 'Signalé', good: 'Préférable', fix: 'La correction', course: 'Sections du cours', severity: 'sévérité par défaut' },
};

function indent(block: string): string {
  return block
    .trimEnd()
    .split('\n')
    .map((l) => (l ? `    ${l}` : ''))
    .join('\n');
}

export function explainRule(rule: Rule, language: Language, docsBaseUrl: string): string {
  const meta = rule.meta;
  const docs = meta.docs[language] ?? meta.docs.en;
  const h = HEADINGS[language];
  const out = [
    `${meta.id} (${h.severity}: ${meta.defaultSeverity})`,
    meta.description[language] ?? meta.description.en,
    '',
    docs.summary.trim(),
    '',
    `${h.why}:`,
    indent(docs.why),
    '',
    `${h.bad}:`,
    indent(docs.bad),
    '',
    `${h.good}:`,
    indent(docs.good),
    '',
    `${h.fix}:`,
    indent(docs.fix),
    '',
    `${h.course}:`,
    ...meta.chapters.map((c) => `    ${c} ${CHAPTERS[c].title}\n      ${chapterUrl(c, docsBaseUrl)}`),
  ];
  return `${out.join('\n')}\n`;
}
