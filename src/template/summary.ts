/**
 * What evlab learned from a SAM / CloudFormation template beyond the stack itself: logical IDs and the
 * physical names they became, Outputs, and what does not run locally. Kept apart from the template code so
 * that src/stack/types.ts can name it without loading the YAML library.
 */
export interface TemplateSummary {
  /** Absolute path of the template. */
  file: string;
  format: 'yaml' | 'json';
  /** sam: has the AWS::Serverless transform; cdk: synthesized by the CDK (cdk.out); else cloudformation. */
  kind: 'sam' | 'cloudformation' | 'cdk';
  stackName: string;
  /** Parameters as used: defaults with --parameter-overrides applied. */
  parameters: Record<string, string>;
  /** By logical ID, after the SAM transform (implicit resources included). */
  resources: Record<string, TemplateResource>;
  outputs: TemplateOutput[];
  unsupported: UnsupportedItem[];
  /** Things that run, but not quite as written (a retired runtime on a newer interpreter, an alias run as $LATEST). */
  warnings: TemplateWarning[];
  /** By function name: the policies its template role grants (not enforced locally; `evlab export` writes them out). */
  policies?: Record<string, FunctionPolicies>;
}

export interface FunctionPolicies {
  /** SAM policy templates and managed policy names as written under Policies (resolved). */
  sam?: unknown[];
  /** Inline policies of the role (AWS::IAM::Role Policies). */
  inline?: unknown[];
  managed?: string[];
}

export type StackResourceKind = 'function' | 'queue' | 'table' | 'bus' | 'rule' | 'bucket' | 'api' | 'log-group' | 'role' | 'other';

export interface TemplateResource {
  type: string;
  /** The name the resource has on the endpoint (the stack model's key for functions, queues, tables, buses, rules). */
  physicalName: string;
  kind: StackResourceKind;
  /** Line of the resource in the template (for implicit SAM resources, the line of what created them). */
  line?: number;
  /** Set for resources the SAM transform created: the logical ID of the resource they came from. */
  createdBy?: string;
}

export interface TemplateOutput {
  name: string;
  /** Resolved against local names; URLs and ARNs as the local endpoint has them. */
  value: string;
  description?: string;
  exportName?: string;
  line?: number;
}

export interface UnsupportedItem {
  logicalId: string;
  type: string;
  /** The property not supported; absent when the whole resource type is not. */
  property?: string;
  /** file:line */
  location: string;
  /** What will not work locally. */
  effect: string;
}

export interface TemplateWarning {
  logicalId?: string;
  location?: string;
  message: string;
}
