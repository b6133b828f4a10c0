/** The chapter table matches the course: every section's file exists and SOMMAIRE.md lists it with that number and title. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHAPTERS, chapterUrl } from '../rules/src/chapters';
import { RULES } from '../rules/src/registry';

const COURSE = path.resolve(__dirname, '../../shared/course');
const sommaire = fs.readFileSync(path.join(COURSE, 'SOMMAIRE.md'), 'utf8');

describe.each(Object.entries(CHAPTERS))('section %s', (id, section) => {
  it('exists in the course and in its table of contents', () => {
    expect(fs.existsSync(path.join(COURSE, section.path)), section.path).toBe(true);
    // The course numbers "20bis" sections as chapter 21 in its table of contents.
    const tocNumber = id.replace(/^20bis\./, '21.');
    const line = sommaire.split('\n').find((l) => l.includes(`(${section.path})`));
    expect(line, `no SOMMAIRE line links ${section.path}`).toBeDefined();
    expect(line).toContain(`${tocNumber} [${section.title}]`);
  });
  it('links under the configured base URL', () => {
    expect(chapterUrl(id as keyof typeof CHAPTERS, 'file:///tmp/course/')).toBe(`file:///tmp/course/${section.path}`);
  });
});

it('every chapter a rule names is in the table', () => {
  for (const rule of Object.values(RULES)) for (const c of rule.meta.chapters) expect(Object.keys(CHAPTERS)).toContain(c);
});
