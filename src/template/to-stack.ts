import type { StackFile } from '../stack/types.js';
import { evaluateCondition, hintOf, referencedIds, resolveString, resolveValue, TemplateError, type ResolveScope } from './intrinsics.js';
import { mapResources, type Conversion } from './map-resources.js';
import { generatedName } from './names.js';
import { FALLBACK, functionNameOf, TYPES, type LocalEnvironment } from './resource-types.js';
import { hasSamTransform, samTransform, type RawResource, type TransformResult } from './sam-transform.js';
import type { TemplatePath, TemplateSource } from './source.js';
import type { TemplateSummary, TemplateOutput } from './summary.js';

export interface ConvertOptions {
  stackName: string;
  /** --parameter-overrides, already split into Key → Value. */
  parameterOverrides: Record<string, string>;
  env: LocalEnvironment;
  /** Folder of the template: code paths are relative to it. */
  dir: string;
  kind?: TemplateSummary['kind'];
}

export interface ConvertResult {
  stack: StackFile;
  summary: TemplateSummary;
  /** `functions/<name>`, `queues/<name>`, … → the logical ID it came from (to place validation problems). */
  stackOrigins: Map<string, string>;
  /** Where each logical ID is in the file. */
  origins: Record<string, TemplatePath>;
}

const TEMPLATE_SECTIONS = new Set([
  'AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions', 'Transform', 'Resources', 'Outputs', 'Globals',
]);

/** A SAM or CloudFormation template (parsed, with positions) as the stack model evlab.json produces. Pure but for inline code files. */
export function templateToStack(source: TemplateSource, options: ConvertOptions): ConvertResult {
  const template = source.value;
  if (!template || typeof template !== 'object' || Array.isArray(template)) throw new TemplateError('a template is a mapping with a Resources section', []);
  const t = template as Record<string, unknown>;
  for (const key of Object.keys(t)) {
    if (!TEMPLATE_SECTIONS.has(key)) throw new TemplateError(`"${key}" is not a template section`, [key], hintOf([...TEMPLATE_SECTIONS], key));
  }
  if (!t.Resources || typeof t.Resources !== 'object' || Array.isArray(t.Resources) || Object.keys(t.Resources).length === 0) {
    throw new TemplateError('the template has no Resources', ['Resources'], 'a template declares at least one resource under Resources');
  }
  for (const [id, r] of Object.entries(t.Resources as Record<string, unknown>)) {
    if (!/^[A-Za-z0-9]+$/.test(id)) throw new TemplateError(`logical ID "${id}" is not alphanumeric`, ['Resources', id], 'logical IDs use letters and digits only');
    if (!r || typeof r !== 'object' || typeof (r as RawResource).Type !== 'string') throw new TemplateError(`resource ${id} has no Type`, ['Resources', id], 'add Type: AWS::…');
  }
  const sam = hasSamTransform(t);
  const transformed: TransformResult = sam
    ? samTransform(t)
    : {
        resources: t.Resources as Record<string, RawResource>,
        origins: Object.fromEntries(Object.keys(t.Resources as object).map((id) => [id, ['Resources', id]])),
        createdBy: {},
        gaps: [],
      };
  if (!sam) {
    const serverless = Object.entries(transformed.resources).find(([, r]) => r.Type.startsWith('AWS::Serverless::'));
    if (serverless) {
      throw new TemplateError(`${serverless[0]} is ${serverless[1].Type}, which needs the SAM transform`, ['Resources', serverless[0], 'Type'], 'add `Transform: AWS::Serverless-2016-10-31` at the top of the template');
    }
  }
  const { resources, origins, createdBy } = transformed;
  const parameters = resolveParameters(t.Parameters, options.parameterOverrides);
  const pseudo: Record<string, string> = {
    'AWS::Region': options.env.region,
    'AWS::AccountId': options.env.account,
    'AWS::StackName': options.stackName,
    'AWS::StackId': `arn:aws:cloudformation:${options.env.region}:${options.env.account}:stack/${options.stackName}/00000000-0000-0000-0000-000000000000`,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::NotificationARNs': '',
  };
  const mappings = (t.Mappings ?? {}) as ResolveScope['mappings'];
  const conditionDefs = (t.Conditions ?? {}) as Record<string, unknown>;
  const conditionValues = new Map<string, boolean>();
  const evaluating = new Set<string>();
  const names = new Map<string, string>();
  const naming = new Set<string>();

  const scope: ResolveScope = {
    pseudo,
    parameters,
    mappings,
    condition(name, path) {
      const known = conditionValues.get(name);
      if (known !== undefined) return known;
      if (!(name in conditionDefs)) throw new TemplateError(`names the condition "${name}", which is not under Conditions`, path, hintOf(Object.keys(conditionDefs), name));
      if (evaluating.has(name)) throw new TemplateError(`condition ${name} depends on itself`, ['Conditions', name]);
      evaluating.add(name);
      const value = evaluateCondition(conditionDefs[name], ['Conditions', name], scope);
      evaluating.delete(name);
      conditionValues.set(name, value);
      return value;
    },
    ref(id, path) {
      const r = live(id, path);
      return r ? (TYPES[r.Type] ?? FALLBACK).ref(nameOf(id), options.env) : undefined;
    },
    getAtt(id, attribute, path) {
      const r = live(id, path);
      if (!r) return undefined;
      const info = TYPES[r.Type];
      if (!info) return `${nameOf(id)}.${attribute}`;
      const read = info.attributes[attribute];
      if (!read) {
        throw new TemplateError(`${id} (${r.Type}) has no attribute "${attribute}"`, path, `attributes evlab knows for ${r.Type}: ${Object.keys(info.attributes).join(', ') || 'none'}`);
      }
      return read(nameOf(id), options.env);
    },
    known: () => [...Object.keys(parameters), ...Object.keys(resources)],
  };

  /** The resource, unless its Condition is false (then a reference to it is an error, as in CloudFormation). */
  function live(id: string, path: TemplatePath): RawResource | undefined {
    const r = resources[id];
    if (!r) return undefined;
    if (r.Condition && !scope.condition(r.Condition, [...origins[id]!, 'Condition'])) {
      throw new TemplateError(`refers to ${id}, which is not created: its condition ${r.Condition} is false`, path, `give the reference the same condition, e.g. !If [${r.Condition}, !Ref ${id}, !Ref AWS::NoValue]`);
    }
    return r;
  }

  function nameOf(id: string): string {
    const known = names.get(id);
    if (known !== undefined) return known;
    if (naming.has(id)) throw new TemplateError(`circular dependency: the name of ${id} depends on itself`, origins[id] ?? ['Resources', id]);
    naming.add(id);
    const r = resources[id]!;
    const info = TYPES[r.Type];
    const props = r.Properties ?? {};
    const base = createdBy[id] ? origins[id]! : [...origins[id]!, 'Properties'];
    let name: string;
    if (info?.nameProperty && props[info.nameProperty] !== undefined) {
      name = resolveString(props[info.nameProperty], [...base, info.nameProperty], scope, `a name for ${id}`);
    } else if (r.Type === 'AWS::Lambda::Url') {
      name = functionNameOf(resolveString(props.TargetFunctionArn, [...base, 'TargetFunctionArn'], scope)).name;
    } else if (r.Type === 'AWS::Lambda::Version' || r.Type === 'AWS::Lambda::Alias') {
      name = functionNameOf(resolveString(props.FunctionName, [...base, 'FunctionName'], scope)).name;
    } else if (r.Type === 'AWS::Events::EventBus' || r.Type === 'AWS::ApiGatewayV2::Api' || r.Type === 'AWS::ApiGateway::RestApi') {
      name = `${options.stackName}-${id}`;
    } else {
      const fifo = r.Type === 'AWS::SQS::Queue' && String(resolveValue(props.FifoQueue, [...base, 'FifoQueue'], scope)) === 'true';
      name = generatedName(options.stackName, id, r.Type, fifo);
    }
    naming.delete(id);
    names.set(id, name);
    return name;
  }

  checkDependencies(resources, origins, parameters, pseudo);
  const summary: TemplateSummary = {
    file: source.file,
    format: source.format,
    kind: options.kind ?? (sam ? 'sam' : 'cloudformation'),
    stackName: options.stackName,
    parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v])),
    resources: {},
    outputs: [],
    unsupported: [],
    warnings: [],
  };
  const lineOf = (path: TemplatePath) => source.positionOf(path)?.line;
  const at = (path: TemplatePath) => `${source.file}:${lineOf(path) ?? 1}`;
  for (const gap of transformed.gaps) {
    summary.unsupported.push({ logicalId: gap.logicalId, type: gap.type, ...(gap.property ? { property: gap.property } : {}), location: at(gap.path), effect: gap.effect });
  }
  const isLive = (id: string) => {
    const r = resources[id]!;
    return !r.Condition || scope.condition(r.Condition, [...origins[id]!, 'Condition']);
  };
  const conv: Conversion = {
    stack: {},
    summary,
    resources,
    origins,
    createdBy,
    scope,
    env: options.env,
    dir: options.dir,
    stackOrigins: new Map(),
    nameOf,
    isLive,
    propertiesPath: (id) => (createdBy[id] ? origins[id]! : [...origins[id]!, 'Properties']),
    at,
    lineOf,
  };
  for (const id of Object.keys(resources)) {
    if (!isLive(id)) continue;
    const r = resources[id]!;
    const info = TYPES[r.Type];
    summary.resources[id] = {
      type: r.Type,
      physicalName: info ? nameOf(id) : id,
      kind: info?.kind ?? 'other',
      ...(lineOf(origins[id]!) ? { line: lineOf(origins[id]!) } : {}),
      ...(createdBy[id] ? { createdBy: createdBy[id] } : {}),
    };
  }
  mapResources(conv);
  summary.outputs = resolveOutputs(t.Outputs, scope, lineOf);
  return { stack: conv.stack, summary, stackOrigins: conv.stackOrigins, origins };
}

/** Parameters with their defaults and the overrides; a parameter without either is an error, as in CloudFormation. */
function resolveParameters(section: unknown, overrides: Record<string, string>): Record<string, string | string[]> {
  const defs = (section ?? {}) as Record<string, { Type?: string; Default?: unknown; AllowedValues?: unknown[]; AllowedPattern?: string }>;
  for (const key of Object.keys(overrides)) {
    if (!(key in defs)) throw new TemplateError(`--parameter-overrides sets "${key}", which is not a parameter of the template`, ['Parameters'], hintOf(Object.keys(defs), key));
  }
  const out: Record<string, string | string[]> = {};
  for (const [name, def] of Object.entries(defs)) {
    const path = ['Parameters', name];
    const raw = overrides[name] ?? (def.Default !== undefined ? String(def.Default) : undefined);
    const type = def.Type ?? 'String';
    if (raw === undefined) {
      // CDK's bootstrap-version parameter is read only by the Rules section, which does not apply locally.
      if (type.startsWith('AWS::SSM::Parameter')) continue;
      throw new TemplateError(`parameter ${name} has no Default and no value`, path, `pass it: --parameter-overrides ${name}=<value>`);
    }
    if (def.AllowedValues && !def.AllowedValues.map(String).includes(raw)) {
      throw new TemplateError(`parameter ${name} is "${raw}", not one of its AllowedValues`, path, `allowed: ${def.AllowedValues.join(', ')}`);
    }
    if (def.AllowedPattern && !new RegExp(`^(?:${def.AllowedPattern})$`).test(raw)) {
      throw new TemplateError(`parameter ${name} is "${raw}", which does not match its AllowedPattern ${def.AllowedPattern}`, path);
    }
    if (type === 'Number' && Number.isNaN(Number(raw))) throw new TemplateError(`parameter ${name} is a Number, but its value is "${raw}"`, path);
    out[name] = type.startsWith('List<') || type === 'CommaDelimitedList' ? raw.split(',').map((s) => s.trim()) : raw;
  }
  return out;
}

/** Dangling DependsOn and Ref/GetAtt cycles, reported with the logical IDs in the cycle. */
function checkDependencies(resources: Record<string, RawResource>, origins: Record<string, TemplatePath>, parameters: Record<string, unknown>, pseudo: Record<string, string>): void {
  const edges = new Map<string, string[]>();
  for (const [id, r] of Object.entries(resources)) {
    const depends = r.DependsOn === undefined ? [] : Array.isArray(r.DependsOn) ? r.DependsOn : [r.DependsOn];
    for (const d of depends) {
      if (!(d in resources)) throw new TemplateError(`${id} DependsOn "${d}", which is not a resource of this template`, [...origins[id]!, 'DependsOn'], hintOf(Object.keys(resources), d));
    }
    const refs = [...referencedIds(r.Properties ?? {})].filter((n) => n in resources && !(n in parameters) && !(n in pseudo));
    edges.set(id, [...new Set([...depends.map(String), ...refs])]);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(id)), id];
      throw new TemplateError(`circular dependency: ${cycle.join(' → ')}`, origins[id] ?? ['Resources', id], 'break the cycle: one of these must not refer to the next');
    }
    state.set(id, 'visiting');
    stack.push(id);
    for (const next of edges.get(id) ?? []) visit(next);
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of edges.keys()) visit(id);
}

function resolveOutputs(section: unknown, scope: ResolveScope, lineOf: (p: TemplatePath) => number | undefined): TemplateOutput[] {
  const outputs: TemplateOutput[] = [];
  for (const [name, def] of Object.entries((section ?? {}) as Record<string, { Value?: unknown; Description?: unknown; Condition?: string; Export?: { Name?: unknown } }>)) {
    const path = ['Outputs', name];
    if (def.Condition && !scope.condition(def.Condition, [...path, 'Condition'])) continue;
    if (def.Value === undefined) throw new TemplateError(`output ${name} has no Value`, path);
    const value = resolveValue(def.Value, [...path, 'Value'], scope);
    outputs.push({
      name,
      value: Array.isArray(value) ? value.join(',') : typeof value === 'object' ? JSON.stringify(value) : String(value),
      ...(typeof def.Description === 'string' ? { description: def.Description } : {}),
      ...(def.Export?.Name !== undefined ? { exportName: resolveString(def.Export.Name, [...path, 'Export', 'Name'], scope) } : {}),
      ...(lineOf(path) ? { line: lineOf(path) } : {}),
    });
  }
  return outputs;
}
