#!/usr/bin/env node
// airlock, as installed from the package: the built JavaScript (dist/), after the Node check.
import { checkNode } from './check-node.js';

checkNode('airlock');
await import('../dist/scripts/airlock.js');
