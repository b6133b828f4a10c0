/** Markdown the server shows: rule documentation (hover, `pglint/ruleDocs`) and database-API notes. */
import { chapterLink } from '../rules/src/docs';
import type { Language } from '../rules/src/engine/types';
import type { DbApiNote } from './dbApi';

const LABELS = {
  en: { why: 'Why it hurts', bad: 'Reported', good: 'Instead', fix: 'Fix', safety: 'Fix safety', chapters: 'Course', more: 'Read more' },
  fr: { why: 'Pourquoi c’est un problème', bad: 'Signalé', good: 'À la place', fix: 'Correction', safety: 'Sûreté des corrections', chapters: 'Cours', more: 'En savoir plus' },
} as const;

export { chapterLink, ruleMarkdown } from '../rules/src/docs';

export function dbApiMarkdown(note: DbApiNote, language: Language, baseUrl: string): string {
  const l = LABELS[language];
  return [`**pglint · ${note.title}**`, note.text, `${l.more}: ` + note.chapters.map((c) => chapterLink(c, baseUrl)).join(' · ')].join('\n\n');
}
