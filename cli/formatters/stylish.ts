/** ESLint-like human output: one block per file, `line:col  severity  message  rule-id`, then a summary line. */
import { countSeverities, displayPath, sortFindings, TextCache, type LintReport } from '../report';

export interface StylishOptions {
  color: boolean;
}

const codes = { red: [31, 39], yellow: [33, 39], dim: [2, 22], bold: [1, 22], underline: [4, 24] } as const;

export function formatStylish(report: LintReport, options: StylishOptions): string {
  const paint = (style: keyof typeof codes, s: string): string =>
    options.color ? `\u001b[${codes[style][0]}m${s}\u001b[${codes[style][1]}m` : s;
  const cache = new TextCache(report.files);
  const out: string[] = [];
  for (const file of report.files) {
    if (file.findings.length === 0) continue;
    out.push(paint('underline', displayPath(report.cwd, file.file)));
    const rows = sortFindings(file.findings).map((f) => {
      const r = cache.range(file.file, f.start, f.end);
      const related = (f.related ?? []).map((rel) => {
        const rr = cache.range(rel.file, rel.start, rel.end);
        return `${displayPath(report.cwd, rel.file)}:${rr.line}:${rr.column}: ${rel.message}`;
      });
      return { pos: `${r.line}:${r.column}`, severity: f.severity === 'error' ? 'error' : 'warning', message: f.message, ruleId: f.ruleId, related };
    });
    const posWidth = Math.max(...rows.map((r) => r.pos.length));
    const sevWidth = Math.max(...rows.map((r) => r.severity.length));
    const msgWidth = Math.max(...rows.map((r) => firstLine(r.message).length));
    for (const row of rows) {
      const sev = row.severity.padEnd(sevWidth);
      out.push(
        `  ${paint('dim', row.pos.padEnd(posWidth))}  ${paint(row.severity === 'error' ? 'red' : 'yellow', sev)}  ${firstLine(row.message).padEnd(msgWidth)}  ${paint('dim', row.ruleId)}`,
      );
      for (const rel of row.related) out.push(`  ${' '.repeat(posWidth)}  ${' '.repeat(sevWidth)}  ${paint('dim', `↳ ${rel}`)}`);
    }
    out.push('');
  }
  const { errors, warnings } = countSeverities(report.files);
  const total = errors + warnings;
  if (total > 0) {
    const summary = `✖ ${total} problem${total === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`;
    out.push(paint('bold', paint(errors > 0 ? 'red' : 'yellow', summary)));
    const fixable = report.files.reduce((n, f) => n + f.findings.filter((x) => x.fixes?.some((fix) => fix.safety === 'safe')).length, 0);
    if (fixable > 0) out.push(paint('dim', `  ${fixable} problem${fixable === 1 ? '' : 's'} fixable with the \`--fix\` option.`));
    return `\n${out.join('\n')}\n`;
  }
  return '';
}

function firstLine(message: string): string {
  const nl = message.indexOf('\n');
  return nl === -1 ? message : message.slice(0, nl);
}
