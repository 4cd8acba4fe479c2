import type { CollectionTag, ScalarTag } from 'yaml';

/**
 * CloudFormation's short-form intrinsic tags for the `yaml` library: each becomes its long form
 * (`!Ref X` → `{Ref: X}`, `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`), as CloudFormation reads them.
 * A tag may carry a scalar, a sequence or a mapping, so each one is registered for all three.
 */
const INTRINSICS = [
  'Ref', 'Condition', 'GetAtt', 'Sub', 'Join', 'If', 'Select', 'Split', 'GetAZs', 'ImportValue', 'FindInMap',
  'Base64', 'Cidr', 'Equals', 'And', 'Or', 'Not', 'Transform', 'ToJsonString', 'Length',
] as const;

/** The long-form key of a short tag: `Ref` and `Condition` keep their name, the others are `Fn::<name>`. */
export const longFormKey = (name: string): string => (name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`);

/** Tags that take a list in long form even when written with a scalar (`!GetAZs ""` takes a string, so it is not here). */
function scalarArgument(name: string, text: string): unknown {
  // `!GetAtt Fn.Arn` splits at the first dot only: attribute names may hold dots (`Endpoint.Address`).
  if (name === 'GetAtt') {
    const dot = text.indexOf('.');
    return dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)];
  }
  return text;
}

export const CLOUDFORMATION_TAGS: (ScalarTag | CollectionTag)[] = INTRINSICS.flatMap((name) => {
  const key = longFormKey(name);
  const tag = `!${name}`;
  const scalar: ScalarTag = { tag, identify: () => false, resolve: (text: string) => ({ [key]: scalarArgument(name, text) }) };
  const seq: CollectionTag = { tag, collection: 'seq', identify: () => false, resolve: (node) => ({ [key]: node.toJSON() }) } as CollectionTag;
  const map: CollectionTag = { tag, collection: 'map', identify: () => false, resolve: (node) => ({ [key]: node.toJSON() }) } as CollectionTag;
  return [scalar, seq, map];
});
