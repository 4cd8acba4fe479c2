/**
 * `evlab export --format sam`: the exported CloudFormation template with each function as an
 * AWS::Serverless::Function (CodeUri / InlineCode) under the SAM transform. Everything else (roles with
 * their least-privilege policies, permissions, mappings, rules, queues) stays as it is: plain CloudFormation
 * resources are valid in a SAM template, and keeping them explicit keeps the policies reviewable.
 */
type Json = Record<string, unknown>;

export const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';

export function toSamTemplate(template: Json): Json {
  const resources: Json = {};
  for (const [id, resource] of Object.entries(template.Resources as Json)) {
    const r = resource as { Type: string; Properties?: Json };
    resources[id] = r.Type === 'AWS::Lambda::Function' ? { ...r, Type: 'AWS::Serverless::Function', Properties: samFunction(r.Properties ?? {}) } : r;
  }
  const { AWSTemplateFormatVersion, Description, ...rest } = template;
  return { AWSTemplateFormatVersion, Transform: SAM_TRANSFORM, Description, ...rest, Resources: resources };
}

function samFunction(properties: Json): Json {
  const { Code, DeadLetterConfig, ...rest } = properties;
  const code = typeof Code === 'string' ? { CodeUri: Code } : { InlineCode: (Code as { ZipFile: unknown }).ZipFile };
  const dlq = DeadLetterConfig as { TargetArn: unknown } | undefined;
  return {
    ...code,
    ...rest,
    // SAM's own form: it writes DeadLetterConfig and adds nothing to the explicit role (which already may send there).
    ...(dlq ? { DeadLetterQueue: { Type: 'SQS', TargetArn: dlq.TargetArn } } : {}),
  };
}
