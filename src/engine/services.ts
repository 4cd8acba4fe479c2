import type { EngineContext, ServiceMap } from './types.js';

type Factory<K extends keyof ServiceMap> = (ctx: EngineContext) => ServiceMap[K] | Promise<ServiceMap[K]>;

// Each service is imported on its first request so that the engine answers its first health check
// as soon as a bare HTTP server would.
export const SERVICE_LOADERS: { [K in keyof ServiceMap]: () => Promise<Factory<K>> } = {
  dynamodb: () => import('./dynamodb/service.js').then((m) => m.createDynamoDbService),
  sqs: () => import('./sqs/service.js').then((m) => m.createSqsService),
  events: () => import('./events/service.js').then((m) => m.createEventsService),
  lambda: () => import('./lambda/service.js').then((m) => m.createLambdaService),
  logs: () => import('./logs/service.js').then((m) => m.createLogsService),
  sts: () => import('./sts/service.js').then((m) => m.createStsService),
  iam: () => import('./iam/service.js').then((m) => m.createIamService),
  s3: () => import('./s3/service.js').then((m) => m.createS3Service),
  apigateway: () => import('./apigateway/service.js').then((m) => m.createApiGatewayService),
};

export const SERVICE_NAMES = Object.keys(SERVICE_LOADERS) as (keyof ServiceMap)[];

export class ServiceRegistry {
  private readonly loading = new Map<keyof ServiceMap, Promise<unknown>>();
  private readonly loaded = new Map<keyof ServiceMap, ServiceMap[keyof ServiceMap]>();

  constructor(private readonly ctx: () => EngineContext) {}

  get<K extends keyof ServiceMap>(name: K): Promise<ServiceMap[K]> {
    let pending = this.loading.get(name) as Promise<ServiceMap[K]> | undefined;
    if (!pending) {
      pending = SERVICE_LOADERS[name]().then(async (factory) => {
        const service = await (factory as Factory<K>)(this.ctx());
        this.loaded.set(name, service);
        return service;
      });
      // A failed load may be retried by the next request.
      pending.catch(() => this.loading.delete(name));
      this.loading.set(name, pending);
    }
    return pending;
  }

  isLoaded(name: keyof ServiceMap): boolean {
    return this.loaded.has(name);
  }

  /** Loaded services, in load order. */
  all(): [keyof ServiceMap, ServiceMap[keyof ServiceMap]][] {
    return [...this.loaded.entries()];
  }
}
