// Types for bench/profile.mjs (imported by tests/bench-generator.test.ts).
export interface ProfileRow { name: string; where: string; selfMs: number; totalMs: number }
export declare function summariseProfiles(profiles: unknown[]): { totalMs: number; rows: ProfileRow[] };
