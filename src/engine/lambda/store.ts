import { functionArn, parseFunctionRef, type FunctionRef } from './arn.js';
import { functionNotFound } from './errors.js';
import type { EventInvokeConfig, EventSourceMapping, FunctionAlias, LambdaFunction } from './model.js';
import { isVersion, resolveQualifier, VERSION_NUMBER } from './versions.js';

/** Functions (per region) and event source mappings, in memory. */
export class LambdaStore {
  private readonly functions = new Map<string, LambdaFunction>();
  readonly mappings = new Map<string, EventSourceMapping>();
  private readonly settleWaiters = new Map<LambdaFunction, (() => void)[]>();

  constructor(
    readonly account: string,
    readonly defaultRegion: string,
  ) {}

  arn(region: string, name: string, qualifier?: string): string {
    return functionArn(region, this.account, name, qualifier);
  }

  /**
   * The function a FunctionName parameter names (a qualifier, in the name or given apart, names a published version
   * or an alias, which resolves to its version), or a ResourceNotFoundException as AWS words it.
   */
  require(nameOrArn: unknown, region: string, qualifier?: string): LambdaFunction {
    const ref = parseFunctionRef(nameOrArn);
    return this.requireRef(ref, region, qualifier);
  }

  requireRef(ref: FunctionRef, region: string, qualifier?: string): LambdaFunction {
    const fnRegion = ref.region ?? region;
    const q = qualifier ?? ref.qualifier;
    const fn = this.functions.get(key(fnRegion, ref.name));
    const resolved = fn && (q === undefined ? fn : resolveQualifier(fn, q));
    if (!resolved) throw functionNotFound(this.arn(fnRegion, ref.name, q));
    return resolved;
  }

  /**
   * The alias a FunctionName (and Qualifier) names, when it names one rather than $LATEST or a version: policies and
   * event invoke configs given for an alias belong to the alias, not to the version it points at today.
   */
  aliasOf(nameOrArn: unknown, region: string, qualifier?: string): FunctionAlias | undefined {
    const ref = parseFunctionRef(nameOrArn);
    const q = qualifier ?? ref.qualifier;
    if (q === undefined || q === '$LATEST' || VERSION_NUMBER.test(q)) return undefined;
    return this.functions.get(key(ref.region ?? region, ref.name))?.published?.aliases.get(q);
  }

  /** The event invoke config an invocation by `invokedArn` follows: the alias's when invoked through one, else the version's own. */
  invokeConfigOf(invokedArn: string, fn: LambdaFunction): EventInvokeConfig | undefined {
    const alias = this.aliasOf(invokedArn, fn.region);
    return alias ? alias.eventInvokeConfig : fn.eventInvokeConfig;
  }

  /** The ARN a name or ARN invokes `fn` by, with its qualifier (a target ARN `fn:live` stays the alias's). */
  invokedArn(nameOrArn: string, fn: LambdaFunction): string {
    return this.arn(fn.region, fn.name, parseFunctionRef(nameOrArn).qualifier);
  }

  find(nameOrArn: string, region: string): LambdaFunction | undefined {
    try {
      return this.require(nameOrArn, region);
    } catch {
      return undefined;
    }
  }

  has(region: string, name: string): boolean {
    return this.functions.has(key(region, name));
  }

  add(fn: LambdaFunction): void {
    this.functions.set(key(fn.region, fn.name), fn);
  }

  remove(fn: LambdaFunction): void {
    this.functions.delete(key(fn.region, fn.name));
    this.notifySettled(fn);
  }

  /** Whether `fn` (the function, or one of its published versions) still exists. */
  isCurrent(fn: LambdaFunction): boolean {
    const latest = this.functions.get(key(fn.region, fn.name));
    return isVersion(fn) ? latest?.published?.versions.get(fn.version!) === fn : latest === fn;
  }

  list(region: string): LambdaFunction[] {
    return [...this.functions.values()].filter((f) => f.region === region).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  all(): LambdaFunction[] {
    return [...this.functions.values()];
  }

  /** Resolves once the function has left Pending (Active, Failed or deleted). */
  whenSettled(fn: LambdaFunction): Promise<void> {
    if (fn.state !== 'Pending' || !this.isCurrent(fn)) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.settleWaiters.get(fn) ?? [];
      list.push(resolve);
      this.settleWaiters.set(fn, list);
    });
  }

  notifySettled(fn: LambdaFunction): void {
    const list = this.settleWaiters.get(fn);
    if (!list) return;
    this.settleWaiters.delete(fn);
    for (const wake of list) wake();
  }
}

const key = (region: string, name: string) => `${region}/${name}`;
