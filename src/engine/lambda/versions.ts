import { randomUUID } from 'node:crypto';
import { lambdaDate } from './configuration.js';
import type { FunctionAlias, LambdaFunction, PublishedVersions } from './model.js';

/** A version number as Lambda writes them (1, 2, ...); an alias name is anything else that fits the pattern. */
export const VERSION_NUMBER = /^[0-9]+$/;

export function publishedOf(fn: LambdaFunction): PublishedVersions {
  return (fn.published ??= { versions: new Map(), aliases: new Map(), lastVersion: 0 });
}

export function isVersion(fn: LambdaFunction): boolean {
  return fn.version !== undefined && fn.version !== '$LATEST';
}

/** The version ($LATEST itself for '$LATEST') a qualifier names on `latest`: a version number or an alias. */
export function resolveQualifier(latest: LambdaFunction, qualifier: string): LambdaFunction | undefined {
  if (qualifier === '$LATEST') return latest;
  if (VERSION_NUMBER.test(qualifier)) return latest.published?.versions.get(qualifier);
  const alias = latest.published?.aliases.get(qualifier);
  return alias ? versionOf(latest, alias.functionVersion) : undefined;
}

export function versionOf(latest: LambdaFunction, version: string): LambdaFunction | undefined {
  return version === '$LATEST' ? latest : latest.published?.versions.get(version);
}

/**
 * The version an invocation through `alias` runs: its own, or one of its additional versions, each with the share of
 * invocations its weight gives it (AWS's weighted alias routing).
 */
export function routeAlias(latest: LambdaFunction, alias: FunctionAlias, random = Math.random()): LambdaFunction | undefined {
  let threshold = 0;
  for (const [version, weight] of Object.entries(alias.additionalVersionWeights ?? {})) {
    threshold += weight;
    if (random < threshold) return versionOf(latest, version);
  }
  return versionOf(latest, alias.functionVersion);
}

/** What a version is published from: the same code and configuration publish nothing new. */
function fingerprint(fn: LambdaFunction): string {
  return JSON.stringify([fn.code.sha256, fn.settings]);
}

/**
 * PublishVersion: an immutable copy of $LATEST as it is now (its settings copied, its code the content-addressed
 * folder of that zip, which a later UpdateFunctionCode never overwrites), or the last version when nothing changed
 * since it was published.
 */
export function publishVersion(latest: LambdaFunction, description: string | undefined): { version: LambdaFunction; created: boolean } {
  const published = publishedOf(latest);
  const from = fingerprint(latest);
  const last = published.versions.get(String(published.lastVersion));
  if (last && published.publishedFrom === from) return { version: last, created: false };
  const number = String(++published.lastVersion);
  const version: LambdaFunction = {
    ...latest,
    arn: `${latest.arn}:${number}`,
    version: number,
    settings: structuredClone({ ...latest.settings, description: description ?? latest.settings.description }),
    code: { ...latest.code },
    // Active when published by PublishVersion; by CreateFunction's Publish, Pending with $LATEST (settled with it).
    state: latest.state,
    stateReason: latest.stateReason,
    stateReasonCode: latest.stateReasonCode,
    lastUpdateStatus: 'Successful',
    lastUpdateStatusReason: undefined,
    lastUpdateStatusReasonCode: undefined,
    revisionId: randomUUID(),
    lastModified: lambdaDate(),
    generation: 1,
    tags: latest.tags,
    policy: [],
    eventInvokeConfig: undefined,
    reservedConcurrency: latest.reservedConcurrency,
    published: undefined,
  };
  published.versions.set(number, version);
  published.publishedFrom = from;
  return { version, created: true };
}

/** The aliases that route to `version` (as their own or an additional version): a version they name cannot go. */
export function aliasesOf(latest: LambdaFunction, version: string): string[] {
  return [...(latest.published?.aliases.values() ?? [])]
    .filter((a) => a.functionVersion === version || Object.hasOwn(a.additionalVersionWeights ?? {}, version))
    .map((a) => a.name)
    .sort();
}
