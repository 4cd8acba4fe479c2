import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { malformedXml } from './errors.js';

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

// Elements that may repeat in request bodies: always arrays, even with one child.
const LIST_ELEMENTS = new Set([
  'Object',
  'Part',
  'FilterRule',
  'QueueConfiguration',
  'CloudFunctionConfiguration',
  'TopicConfiguration',
  'Event',
]);

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  // Keys like "007" or "1e3" must stay strings, and leading/trailing spaces in a key are part of it.
  parseTagValue: false,
  // Numeric character references (`&#xD;`, which SDKs write for a carriage return in a key).
  htmlEntities: true,
  trimValues: false,
  isArray: (name) => LIST_ELEMENTS.has(name),
});

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false });

export type XmlTree = Record<string, unknown>;

/** Parses a request body; anything that is not XML with the expected root is MalformedXML. */
export function parseXml(body: Buffer | string, root: string): XmlTree {
  const text = body.toString();
  let parsed: XmlTree;
  try {
    parsed = parser.parse(text, true) as XmlTree;
  } catch {
    throw malformedXml();
  }
  const node = parsed[root];
  if (node === undefined) throw malformedXml();
  return typeof node === 'object' && node !== null ? (node as XmlTree) : {};
}

/** A leaf's text: '' for an empty element, undefined when absent. */
export function text(node: unknown): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (typeof node === 'string') return node;
  if (typeof node === 'object' && '#text' in (node as XmlTree)) return String((node as XmlTree)['#text']);
  return typeof node === 'object' ? '' : String(node);
}

export function list(node: unknown): XmlTree[] {
  if (node === undefined || node === null) return [];
  const items = Array.isArray(node) ? node : [node];
  return items.map((item) => (typeof item === 'object' && item !== null ? (item as XmlTree) : { '#text': item }));
}

/** A response document: `<?xml?>` plus `<root xmlns="…S3…">…</root>`; undefined children are left out. */
export function xmlDocument(root: string, content: XmlTree): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: { '@_xmlns': S3_XMLNS, ...prune(content) } })}`;
}

/** An error document has no namespace. */
export function xmlErrorDocument(content: XmlTree): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ Error: prune(content) })}`;
}

function prune(node: XmlTree): XmlTree {
  const out: XmlTree = {};
  for (const [k, v] of Object.entries(node)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) out[k] = v.map((item) => (isPlain(item) ? prune(item) : item));
    else out[k] = isPlain(v) ? prune(v) : v;
  }
  return out;
}

function isPlain(v: unknown): v is XmlTree {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}
