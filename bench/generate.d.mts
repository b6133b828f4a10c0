// Types for bench/generate.mjs (imported by tests/bench-generator.test.ts).
export declare const GENERATOR_VERSION: number;
export declare const BIG_FILE: string;
export declare const BIG_FILE_LINES: number;
export interface Rng {
  next(): number;
  int(lo: number, hi: number): number;
  pick<T>(arr: readonly T[]): T;
  chance(p: number): boolean;
  sample<T>(arr: readonly T[], k: number): T[];
}
export declare function makeRng(seed: number): Rng;
export interface GeneratedCorpus {
  paths: string[];
  sourceFiles: number;
  counts: Record<string, number>;
  files: Map<string, string[]>;
  /** The deliberate schema drift written (code naming a table or column no migration creates). */
  drift: { kind: 'new-column' | 'missing-field' | 'missing-table'; table: string; column?: string }[];
}
export declare function generateCorpus(opts: { files?: number; seed?: number; out?: string; driftShare?: number }): GeneratedCorpus;
export declare function ensureCorpus(opts: { files: number; seed: number; out: string }): {
  reused: boolean; generatorVersion: number; files: number; seed: number; sourceFiles: number; totalFiles: number;
};
export declare function parseIntArg(name: string, value: string | undefined): number;
