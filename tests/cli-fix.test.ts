import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyFixesOnce } from '../cli/fix';
import { applyEdits } from '../rules/src/engine/fixes';
import type { Finding, Fix } from '../rules/src/engine/types';

function finding(file: string, start: number, fixes: Fix[]): Finding {
  return { ruleId: 'r', messageId: 'm', message: 'm', severity: 'warn', file, start, end: start + 1, fixes };
}
const fix = (id: string, safety: Fix['safety'], start: number, end: number, text: string): Fix => ({ id, title: id, safety, edits: [{ start, end, text }] });

describe('--fix', () => {
  it('applyEdits applies edits from the end so offsets stay valid', () => {
    expect(applyEdits('abcdef', [{ start: 0, end: 1, text: 'X' }, { start: 4, end: 6, text: 'YZW' }])).toBe('XbcdYZW');
  });

  it('applies safe fixes, unsafe ones only when asked, display-only never, and skips overlapping fixes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-fix-'));
    const file = path.join(dir, 'a.ts');
    const text = '0123456789';
    const findings = [
      finding(file, 0, [fix('safe', 'safe', 0, 2, 'AB')]),
      finding(file, 1, [fix('overlap', 'safe', 1, 3, 'zz')]),
      finding(file, 4, [fix('unsafe', 'unsafe', 4, 5, 'U')]),
      finding(file, 6, [fix('display', 'display-only', 6, 7, 'D')]),
    ];
    fs.writeFileSync(file, text);
    expect(applyFixesOnce(findings, { unsafe: false }, () => text)).toEqual({ written: [file], applied: 1 });
    expect(fs.readFileSync(file, 'utf8')).toBe('AB23456789');
    fs.writeFileSync(file, text);
    expect(applyFixesOnce(findings, { unsafe: true }, () => text).applied).toBe(2);
    expect(fs.readFileSync(file, 'utf8')).toBe('AB23U56789');
    // A fix that creates a file never overwrites one.
    const created = path.join(dir, 'migrations', '001.sql');
    const withCreate: Fix = { id: 'c', title: 'c', safety: 'safe', edits: [], createFiles: [{ file: created, text: 'SELECT 1;\n' }] };
    applyFixesOnce([finding(file, 0, [withCreate])], { unsafe: false }, () => text);
    expect(fs.readFileSync(created, 'utf8')).toBe('SELECT 1;\n');
    expect(applyFixesOnce([finding(file, 0, [withCreate])], { unsafe: false }, () => text).applied).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
