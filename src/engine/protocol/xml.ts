/** Minimal XML writing for the query protocol (SQS for older CLIs). */
export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#xD;');
}

export type XmlValue = string | number | boolean | XmlNode | XmlValue[] | undefined | null;
export interface XmlNode {
  [tag: string]: XmlValue;
}

/** Serialises `{ Tag: value }`; an array value repeats its tag (flattened lists, as SQS writes them). */
export function toXml(node: XmlNode): string {
  let out = '';
  for (const [tag, value] of Object.entries(node)) out += element(tag, value);
  return out;
}

function element(tag: string, value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => element(tag, v)).join('');
  if (typeof value === 'object') return `<${tag}>${toXml(value)}</${tag}>`;
  return `<${tag}>${escapeXml(String(value))}</${tag}>`;
}
