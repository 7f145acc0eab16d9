#!/usr/bin/env node
// `hub` runs from its TypeScript sources, as every service does under `make up`: tsx compiles them
// on the fly (cached), so `npx hub …` needs no build step after `make install`.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
