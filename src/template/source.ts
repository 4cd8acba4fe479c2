import { getNodeValue, parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { CLOUDFORMATION_TAGS } from './yaml-tags.js';

/** A path inside the template: keys and list indices, e.g. ['Resources', 'Counter', 'Properties', 'Runtime']. */
export type TemplatePath = readonly (string | number)[];

export interface TemplatePosition {
  line: number;
  column: number;
}

/** The parsed template and where each of its values is in the file. */
export interface TemplateSource {
  file: string;
  format: 'yaml' | 'json';
  value: unknown;
  /** Position of the value at `path`, else of its closest ancestor that has one (intrinsic internals have none). */
  positionOf(path: TemplatePath): TemplatePosition | undefined;
}

export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: TemplatePosition | undefined,
  ) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

const key = (path: TemplatePath) => path.join('\u0000');

/** Parses YAML (with the short-form intrinsic tags) or JSON, by the file's content: JSON starts with `{`. */
export function parseTemplateSource(text: string, file: string): TemplateSource {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return /^\s*\{/.test(body) ? parseJson(body, file) : parseYaml(body, file);
}

function withPositions(file: string, format: 'yaml' | 'json', value: unknown, positions: Map<string, TemplatePosition>): TemplateSource {
  return {
    file,
    format,
    value,
    positionOf(path) {
      for (let n = path.length; n >= 0; n--) {
        const found = positions.get(key(path.slice(0, n)));
        if (found) return found;
      }
      return undefined;
    },
  };
}

function parseYaml(text: string, file: string): TemplateSource {
  const lines = new LineCounter();
  // CloudFormation reads YAML 1.1 scalars as strings where YAML 1.2 would too; `version: 1.1` would turn
  // `Enabled: yes` into true, which CloudFormation does not do, so the core schema stays.
  const doc = parseDocument(text, { customTags: CLOUDFORMATION_TAGS, lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): TemplatePosition => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const first = doc.errors[0];
  if (first) throw new TemplateSyntaxError(first.message.split('\n')[0]!, at(first.pos[0]));
  const unknownTag = doc.warnings.find((w) => /Unresolved tag/.test(w.message));
  if (unknownTag) {
    const tag = /Unresolved tag: (\S+)/.exec(unknownTag.message)?.[1] ?? 'tag';
    throw new TemplateSyntaxError(`${tag} is not a CloudFormation intrinsic function tag`, at(unknownTag.pos[0]));
  }
  const positions = new Map<string, TemplatePosition>();
  const walk = (node: YamlNode | null | undefined, path: (string | number)[]) => {
    if (!node) return;
    if (node.range) positions.set(key(path), at(node.range[0]));
    // A tagged node is an intrinsic: its insides are read as its long form, with the tag's position.
    if (node.tag && node.tag.startsWith('!')) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const child = [...path, name];
        walk(pair.value as YamlNode, child);
        // A member's position is its key's: that is the line people look for.
        if (isScalar(pair.key) && pair.key.range) positions.set(key(child), at(pair.key.range[0]));
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item as YamlNode, [...path, index]));
    }
  };
  walk(doc.contents as YamlNode, []);
  return withPositions(file, 'yaml', doc.toJS({ maxAliasCount: 1000 }), positions);
}

function parseJson(text: string, file: string): TemplateSource {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const at = (offset: number): TemplatePosition => {
    let line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= offset) line++;
    return { line: line + 1, column: offset - lineStarts[line]! + 1 };
  };
  if (errors.length > 0 || !tree) {
    const e = errors[0];
    throw new TemplateSyntaxError(e ? `JSON syntax error: ${printParseErrorCode(e.error)}` : 'the file is empty', e ? at(e.offset) : undefined);
  }
  const positions = new Map<string, TemplatePosition>();
  const walk = (node: JsonNode, path: (string | number)[]) => {
    positions.set(key(path), at(node.offset));
    if (node.type === 'object') {
      for (const member of node.children ?? []) {
        const [name, value] = member.children ?? [];
        if (!name || !value) continue;
        walk(value, [...path, String(name.value)]);
        positions.set(key([...path, String(name.value)]), at(member.offset));
      }
    } else if (node.type === 'array') {
      (node.children ?? []).forEach((child, index) => walk(child, [...path, index]));
    }
  };
  walk(tree, []);
  return withPositions(file, 'json', getNodeValue(tree) as unknown, positions);
}
