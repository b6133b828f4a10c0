/** Markdown the server shows: rule documentation (hover, `pglint/ruleDocs`) and database-API notes. */
import { CHAPTERS, chapterUrl, type ChapterId } from '../rules/src/chapters';
import type { Rule } from '../rules/src/engine/rule';
import type { FixSafety, Language } from '../rules/src/engine/types';
import type { DbApiNote } from './dbApi';

const LABELS = {
  en: { why: 'Why it hurts', bad: 'Reported', good: 'Instead', fix: 'Fix', safety: 'Fix safety', chapters: 'Course', more: 'Read more' },
  fr: { why: 'Pourquoi c’est un problème', bad: 'Signalé', good: 'À la place', fix: 'Correction', safety: 'Sûreté des corrections', chapters: 'Cours', more: 'En savoir plus' },
} as const;

const SAFETY: Record<Language, Record<FixSafety, string>> = {
  en: { safe: 'safe — applied by “Fix all”', unsafe: 'unsafe — quick fix only, review it', 'display-only': 'suggestion — shown, never applied' },
  fr: { safe: 'sûre — appliquée par « Tout corriger »', unsafe: 'non sûre — correctif rapide seulement, à relire', 'display-only': 'suggestion — affichée, jamais appliquée' },
};

export function chapterLink(id: ChapterId, baseUrl: string): string {
  return `[§${id} ${CHAPTERS[id].title}](${chapterUrl(id, baseUrl)})`;
}

function fence(code: string): string {
  return '```ts\n' + code.replace(/\s+$/, '') + '\n```';
}

/** Full documentation of a rule, in one language, with chapter links built from `baseUrl`. */
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
  if (fixes.length > 0) parts.push(`**${l.safety}:** ` + fixes.map(([id, s]) => `\`${id}\` ${SAFETY[language][s]}`).join('; '));
  if (links && opts.heading !== false) parts.push(links);
  return parts.join('\n\n');
}

export function dbApiMarkdown(note: DbApiNote, language: Language, baseUrl: string): string {
  const l = LABELS[language];
  return [`**pglint · ${note.title}**`, note.text, `${l.more}: ` + note.chapters.map((c) => chapterLink(c, baseUrl)).join(' · ')].join('\n\n');
}
