import { NODE_RUNTIMES, PROVIDED_RUNTIMES, PYTHON_RUNTIMES } from '../../stack/runtimes.js';

/**
 * The day AWS stops creating functions on each runtime (Lambda's runtime deprecation schedule, as AWS publishes
 * it and cfn-lint checks it: E2533). A stack may run locally on any of them; an export for an AWS account must
 * name one AWS still creates.
 */
const CREATE_BLOCKED: Record<string, string> = {
  'nodejs18.x': '2026-06-01',
  'nodejs20.x': '2026-06-01',
  'nodejs22.x': '2027-06-01',
  'nodejs24.x': '2028-06-01',
  'python3.9': '2026-06-01',
  'python3.10': '2026-07-31',
  'python3.11': '2026-07-31',
  'python3.12': '2028-11-30',
  'python3.13': '2029-07-31',
  'python3.14': '2029-07-31',
  provided: '2024-02-08',
  'provided.al2': '2026-07-31',
  'provided.al2023': '2029-07-31',
};

const FAMILIES = [NODE_RUNTIMES, PYTHON_RUNTIMES, PROVIDED_RUNTIMES] as readonly (readonly string[])[];

/** The runtime to deploy with: `runtime` while AWS creates it, else the next one of its language that AWS does. */
export function deployableRuntime(runtime: string, today: Date = new Date()): string {
  const day = today.toISOString().slice(0, 10);
  const open = (r: string) => !CREATE_BLOCKED[r] || CREATE_BLOCKED[r]! > day;
  if (open(runtime)) return runtime;
  const family = FAMILIES.find((f) => f.includes(runtime));
  if (!family) return runtime;
  const newer = family.slice(family.indexOf(runtime) + 1).find(open);
  return newer ?? runtime;
}
