/**
 * Rule documentation rendered from the one source (each rule's metadata): the language server's hover,
 * the SARIF help text, `pglint --explain` and the generated docs/rules/<rule>.md all come from here.
 */
import { CHAPTERS, chapterUrl, type ChapterId } from './chapters';
import type { Rule } from './engine/rule';
import type { FixSafety, Language } from './engine/types';

const LABELS = {
  en: { why: 'Why it hurts', bad: 'Reported', good: 'Instead', fix: 'Fix', safety: 'Fix safety', chapters: 'Course', severity: 'Default severity', none: 'No automatic fix.' },
  fr: { why: 'Pourquoi c’est un problème', bad: 'Signalé', good: 'À la place', fix: 'Correction', safety: 'Sûreté des corrections', chapters: 'Cours', severity: 'Sévérité par défaut', none: 'Pas de correction automatique.' },
} as const;

export const SAFETY_LABELS: Record<Language, Record<FixSafety, string>> = {
  en: { safe: 'safe — applied by “Fix all” and `--fix`', unsafe: 'unsafe — quick fix or `--unsafe-fixes` only, review it', 'display-only': 'suggestion — shown, never applied' },
  fr: { safe: 'sûre — appliquée par « Tout corriger » et `--fix`', unsafe: 'non sûre — correctif rapide ou `--unsafe-fixes` seulement, à relire', 'display-only': 'suggestion — affichée, jamais appliquée' },
};

export function chapterLink(id: ChapterId, baseUrl: string): string {
  return `[§${id} ${CHAPTERS[id].title}](${chapterUrl(id, baseUrl)})`;
}

function fence(code: string): string {
  const lang = /^\s*(--|CREATE|ALTER|DROP|INSERT|UPDATE|SELECT)\b/i.test(code) ? 'sql' : 'ts';
  return '```' + lang + '\n' + code.replace(/\s+$/, '') + '\n```';
}

/** Full documentation of a rule in one language, with chapter links built from `baseUrl`. */
export function ruleMarkdown(rule: Rule, language: Language, baseUrl: string, opts: { heading?: boolean } = {}): string {
  const meta = rule.meta;
  const docs = meta.docs[language] ?? meta.docs.en;
  const l = LABELS[language];
  const parts: string[] = [];
  const links = meta.chapters.length > 0 ? `**${l.chapters}:** ` + meta.chapters.map((c) => chapterLink(c, baseUrl)).join(' · ') : undefined;
  if (opts.heading === false) {
    // Hover: the chapter link right under the title, visible without scrolling the widget.
    parts.push(`**pglint · ${meta.id}** — ${meta.description[language]}`);
    if (links) parts.push(links);
  } else parts.push(`# ${meta.id}\n\n${meta.description[language]}`);
  parts.push(docs.summary);
  parts.push(`**${l.why}.** ${docs.why}`);
  parts.push(`**${l.bad}:**\n\n${fence(docs.bad)}`);
  parts.push(`**${l.good}:**\n\n${fence(docs.good)}`);
  parts.push(`**${l.fix}.** ${docs.fix}`);
  const fixes = Object.entries(meta.fixes);
  parts.push(`**${l.safety}:** ` + (fixes.length ? fixes.map(([id, s]) => `\`${id}\` ${SAFETY_LABELS[language][s]}`).join('; ') : l.none));
  if (opts.heading !== false) parts.push(`**${l.severity}:** \`${meta.defaultSeverity}\``);
  if (links && opts.heading !== false) parts.push(links);
  return parts.join('\n\n');
}

/** The generated page docs/rules/<id>.md: English then French. */
export function rulePage(rule: Rule, baseUrl: string): string {
  return [
    '<!-- Generated from the rule\'s metadata in rules/src/rules/. Do not edit: run `npm run docs`. -->',
    ruleMarkdown(rule, 'en', baseUrl),
    '---',
    '## Français',
    ruleMarkdown(rule, 'fr', baseUrl, { heading: false }),
    '',
  ].join('\n\n');
}
