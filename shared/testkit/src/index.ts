/**
 * @hub/testkit — tests against the real platform. The global setup (global-setup.ts) starts
 * NATS, Resgate, PostgreSQL, Redis, Keycloak and Traefik once per run; these helpers reach them
 * and give each test its own namespace.
 */
export { hub, uniqueName, cleanup } from './context.ts';
export { waitFor, nextEvent, WAIT_TIMEOUT_MS } from './wait.ts';
export { connectNats, resRequest } from './nats.ts';
export { conversation, CONVERSATION_WAIT_MS, QUIET_MS } from './conversation.ts';
export type { Conversation, Expected, Received, RequestExtras, Sent } from './conversation.ts';
export { startHub, startService } from './service.ts';
export type { StartHubOptions } from './service.ts';
export { resgateHttp, traefikHttp } from './http.ts';
export type { HttpResult } from './http.ts';
export { openClient, isCollection } from './client.ts';
export type { ResClient, ResModel, ResCollection, ClientOptions } from './client.ts';
export { accessToken, tokenSubject, userToken, TEST_CLIENT_ID } from './keycloak.ts';
export type { TestUser, TokenSet } from './keycloak.ts';
export { dataScope, scopeSql, redisClient } from './store.ts';
export type { DataScope } from './store.ts';
export { recordRun } from './sweep.ts';
export { createTestClient, createTestRealm, keycloakAdmin, keycloakLogout, realmIssuer, realmToken, rotateRealmKey } from './identity.ts';
export type { TestClientOptions } from './identity.ts';
export { privateNats, privatePostgres, privateRedis } from './private.ts';
export type { PrivateServer } from './private.ts';
export { privateNatsCluster } from './cluster.ts';
export type { ClusterNode, NatsCluster } from './cluster.ts';
export { capturedLog } from './logs.ts';
export type { CapturedLog } from './logs.ts';
