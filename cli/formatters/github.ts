/** GitHub Actions workflow commands: `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`. */
import { displayPath, sortFindings, TextCache, type LintReport } from '../report';

/** Escaping of the message part (GitHub's `escapeData`). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of property values (GitHub's `escapeProperty`). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(report: LintReport): string {
  const cache = new TextCache(report.files);
  const lines: string[] = [];
  for (const file of report.files) {
    for (const f of sortFindings(file.findings)) {
      const r = cache.range(file.file, f.start, f.end);
      const props = [
        `file=${escapeProperty(displayPath(report.cwd, file.file))}`,
        `line=${r.line}`,
        `col=${r.column}`,
        `endLine=${r.endLine}`,
        `endColumn=${r.endColumn}`,
        `title=${escapeProperty(`pglint(${f.ruleId})`)}`,
      ];
      let message = f.message;
      for (const rel of f.related ?? []) {
        const rr = cache.range(rel.file, rel.start, rel.end);
        message += `\n${displayPath(report.cwd, rel.file)}:${rr.line}:${rr.column}: ${rel.message}`;
      }
      lines.push(`::${f.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${escapeData(message)}`);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
