import type { ApiGatewayCore } from './context.js';
import type { HttpApi, HttpDeployment, HttpStage } from './model.js';
import { isoNow, randomId } from './store.js';

/** Freezes the API's routes and integrations into a deployment. */
export function createHttpDeployment(core: ApiGatewayCore, api: HttpApi, autoDeployed: boolean, description?: string): HttpDeployment {
  const deployment: HttpDeployment = {
    deploymentId: randomId(6),
    createdDate: isoNow(),
    description,
    autoDeployed,
    snapshot: structuredClone({ routes: [...api.routes.values()], integrations: [...api.integrations.values()] }),
  };
  api.deployments.set(deployment.deploymentId, deployment);
  return deployment;
}

/** Every change to routes or integrations redeploys the stages with autoDeploy, as AWS does. */
export function autoDeploy(core: ApiGatewayCore, api: HttpApi): void {
  for (const stage of api.stages.values()) if (stage.autoDeploy) deployStage(core, api, stage, true);
  core.store.pruneDeployments(api);
}

export function deployStage(core: ApiGatewayCore, api: HttpApi, stage: HttpStage, auto: boolean): void {
  const deployment = createHttpDeployment(core, api, auto);
  stage.deploymentId = deployment.deploymentId;
  stage.lastUpdatedDate = isoNow();
  if (auto) stage.lastDeploymentStatusMessage = `Successfully deployed stage with deployment ID '${deployment.deploymentId}'`;
}

export function deploymentView(d: HttpDeployment): Record<string, unknown> {
  return {
    autoDeployed: d.autoDeployed,
    createdDate: d.createdDate,
    deploymentId: d.deploymentId,
    deploymentStatus: 'DEPLOYED',
    ...(d.description !== undefined ? { description: d.description } : {}),
  };
}
