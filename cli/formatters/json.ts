/**
 * ESLint-compatible JSON: one object per linted file; severities 1 (warning) and 2 (error); 1-based lines/columns.
 * Compact, as ESLint writes it (indented, the generated corpus's report was 9.2 MB instead of 6.5 and took ~100 ms
 * more to write); pipe it through `jq` to read it.
 */
import { displayPath, sortFindings, TextCache, type LintReport } from '../report';

export function formatJson(report: LintReport): string {
  const cache = new TextCache(report.files);
  const results = report.files.map((file) => {
    const messages = sortFindings(file.findings).map((f) => ({
      ruleId: f.ruleId,
      messageId: f.messageId,
      severity: f.severity === 'error' ? 2 : 1,
      message: f.message,
      ...cache.range(file.file, f.start, f.end),
      related: (f.related ?? []).map((r) => ({ filePath: r.file, message: r.message, ...cache.range(r.file, r.start, r.end) })),
      fixes: (f.fixes ?? []).map((fix) => ({
        id: fix.id,
        title: fix.title,
        safety: fix.safety,
        edits: fix.edits.map((e) => ({ filePath: e.file ?? f.file, range: [e.start, e.end], text: e.text })),
        ...(fix.createFiles?.length ? { createFiles: fix.createFiles.map((c) => ({ filePath: c.file, text: c.text })) } : {}),
      })),
    }));
    return {
      filePath: file.file,
      relativePath: displayPath(report.root, file.file),
      messages,
      errorCount: messages.filter((m) => m.severity === 2).length,
      warningCount: messages.filter((m) => m.severity === 1).length,
    };
  });
  return `${JSON.stringify(results)}\n`;
}
